import { AppError } from '../../platform/http';

export const vitalsErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'VITALS_INVALID_REQUEST', message, path ? { path } : undefined),
  unknownType: (path: string, given: string) =>
    new AppError(
      400,
      'VITALS_UNKNOWN_TYPE',
      `${path}: '${given}' is not a vital sign Meridian records (a type such as body-temperature, or its LOINC code)`,
      { path },
    ),
  invalidUnit: (path: string, reason: string, canonical: string) =>
    new AppError(422, 'VITALS_INVALID_UNIT', `${path}: ${reason} (expected a unit convertible to '${canonical}')`, {
      path,
      canonicalUnit: canonical,
    }),
  implausible: (path: string, value: number, unit: string, min: number, max: number) =>
    new AppError(
      422,
      'VITALS_IMPLAUSIBLE',
      `${path}: ${value} ${unit} is not a possible value (${min} to ${max} ${unit})`,
      { path, value, unit, min, max },
    ),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'VITALS_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  referenceMismatch: (path: string, message: string) =>
    new AppError(422, 'VITALS_REFERENCE_MISMATCH', `${path}: ${message}`, { path }),
};
