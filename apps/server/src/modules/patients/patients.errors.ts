import { FhirError } from '../../fhir';
import { AppError } from '../../platform/http';

/** Error codes of the patients module (also listed in docs/errors.md). */
export const PATIENT_ERROR_CODES = [
  'PATIENT_INVALID_REQUEST',
  'PATIENT_INVALID_RESOURCE',
  'PATIENT_INVALID_SETTINGS',
  'PATIENT_NOT_FOUND',
  'PATIENT_DUPLICATE_SUSPECTED',
  'PATIENT_MRN_EXHAUSTED',
  'PATIENT_MERGE_REFUSED',
  'PATIENT_MERGE_NOT_FOUND',
  'PATIENT_MERGE_UNDONE',
  'PATIENT_CONFLICT',
] as const;
export type PatientErrorCode = (typeof PATIENT_ERROR_CODES)[number];

export const patientErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'PATIENT_INVALID_REQUEST', message, path ? { path } : undefined),
  invalidResource: (message: string, issues: unknown[]) =>
    new AppError(400, 'PATIENT_INVALID_RESOURCE', message, { issues }),
  invalidSettings: (message: string, path: string) => new AppError(400, 'PATIENT_INVALID_SETTINGS', message, { path }),
  notFound: (id: string) => new AppError(404, 'PATIENT_NOT_FOUND', `No patient '${id}'`),
  duplicateSuspected: (candidates: unknown[]) =>
    new AppError(
      409,
      'PATIENT_DUPLICATE_SUSPECTED',
      'Patients on file look like this one: review them, then register again with force: true to make a new record',
      { candidates },
    ),
  mrnExhausted: () =>
    new AppError(
      409,
      'PATIENT_MRN_EXHAUSTED',
      'Every medical record number of the format is used: lengthen the format',
    ),
  mergeRefused: (why: string) => new AppError(409, 'PATIENT_MERGE_REFUSED', why),
  mergeNotFound: (id: string) => new AppError(404, 'PATIENT_MERGE_NOT_FOUND', `No merge '${id}'`),
  mergeUndone: (id: string) => new AppError(409, 'PATIENT_MERGE_UNDONE', `Merge '${id}' was already undone`),
  conflict: (message: string) => new AppError(409, 'PATIENT_CONFLICT', message),
};

/** FHIR service errors met by the task API, as its own problem codes. */
export function fromFhirError(error: unknown, patientId?: string): unknown {
  if (!(error instanceof FhirError)) return error;
  // Raised by this module's own write hook inside the FHIR repository.
  if (error.errorCode.startsWith('PATIENT_')) return new AppError(error.status, error.errorCode, error.message);
  if (error.status === 404 || error.status === 410) return patientErrors.notFound(patientId ?? 'unknown');
  if (error.status === 409 || error.status === 412) return patientErrors.conflict(error.message);
  if (error.status === 400) return patientErrors.invalidResource(error.message, error.issues);
  return error;
}
