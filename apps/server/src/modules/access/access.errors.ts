import { AppError } from '../../platform/http';

/** Error codes of the access module (also listed in docs/errors.md). */
export const ACCESS_ERROR_CODES = [
  'ACCESS_INVALID_REQUEST',
  'ACCESS_POLICY_CONFLICT',
  'ACCESS_FORBIDDEN',
  'ACCESS_PATIENT_NOT_FOUND',
] as const;

export const accessErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'ACCESS_INVALID_REQUEST', message, path ? { path } : undefined),
  policyConflict: (expected: number, actual: number) =>
    new AppError(
      412,
      'ACCESS_POLICY_CONFLICT',
      `The policy is at version ${actual}, not ${expected}; read it again and reapply your change`,
      { version: actual },
    ),
  forbidden: (message: string) => new AppError(403, 'ACCESS_FORBIDDEN', message),
  patientNotFound: (id: string) => new AppError(404, 'ACCESS_PATIENT_NOT_FOUND', `Patient/${id} not found`),
};
