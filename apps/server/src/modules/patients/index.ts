import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { matchOperation } from './match.operation';
import { PatientChartService } from './patient-chart.service';
import { PatientMergeService } from './patient-merge.service';
import { registerPatientRoutes } from './patients.routes';
import { PatientService } from './patients.service';

export { formatMrn, isValidMrn } from './mrn';
export { PATIENT_ERROR_CODES, patientErrors } from './patients.errors';
export { patientWriteHooks } from './patients.hooks';
export type { PatientService } from './patients.service';
export { DEFAULT_PATIENT_SETTINGS, mrnSystem, type PatientSettings } from './patients.settings';

export interface PatientsModuleOptions {
  db: Database;
  fhir: FhirServices;
  audit: AuditService;
  now?: (() => Date) | undefined;
}

/**
 * Patients: registration with MRNs and duplicate detection, Patient/$match, merge and undo, the chart
 * summary and timeline. Its write hooks (patientWriteHooks) must be given to createFhirServices.
 */
export function registerPatientsModule(app: FastifyInstance, options: PatientsModuleOptions): PatientService {
  const patients = new PatientService({ db: options.db, fhir: options.fhir });
  const merges = new PatientMergeService({
    fhir: options.fhir,
    audit: options.audit,
    ...(options.now ? { now: options.now } : {}),
  });
  const chart = new PatientChartService(options.fhir);
  options.fhir.operations.register(matchOperation(patients));
  registerPatientRoutes(app, { audit: options.audit, patients, merges, chart });
  return patients;
}
