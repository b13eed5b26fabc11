import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { AuditService } from '../audit';
import { AllergiesService } from './allergies.service';
import { AssessmentsService } from './assessments.service';
import { addClinicalListGuards } from './clinical-lists.guards';
import { ClinicalRecords } from './clinical-lists.records';
import { registerClinicalListRoutes } from './clinical-lists.routes';
import { CodeChecker, type CodeValidator } from './clinical-lists.terminology';
import { ImmunizationsService } from './immunizations.service';
import { ProblemsService } from './problems.service';
import { ProceduresService } from './procedures.service';

export interface ClinicalListsModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  /** A terminology service's code check; without one, codes are checked for their shape only. */
  validateCode?: CodeValidator | undefined;
  now?: (() => Date) | undefined;
}

export interface ClinicalListServices {
  problems: ProblemsService;
  allergies: AllergiesService;
  immunizations: ImmunizationsService;
  procedures: ProceduresService;
  assessments: AssessmentsService;
}

/** Problem list, allergies, immunizations, procedures and body-system assessments over FHIR, with their guards. */
export function registerClinicalListsModule(
  app: FastifyInstance,
  options: ClinicalListsModuleOptions,
): ClinicalListServices {
  addClinicalListGuards(options.fhir.repository);
  const records = new ClinicalRecords({
    repository: options.fhir.repository,
    search: options.fhir.search,
    audit: options.audit,
    codes: new CodeChecker(options.validateCode),
    now: options.now ?? (() => new Date()),
  });
  const services: ClinicalListServices = {
    problems: new ProblemsService(records),
    allergies: new AllergiesService(records),
    immunizations: new ImmunizationsService(records),
    procedures: new ProceduresService(records),
    assessments: new AssessmentsService(records),
  };
  registerClinicalListRoutes(app, services);
  return services;
}
