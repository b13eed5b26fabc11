import { AppError } from '../../platform/http';

export const clinicalListErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'CLINICAL_LIST_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (what: string, id: string) =>
    new AppError(404, 'CLINICAL_LIST_NOT_FOUND', `No ${what} '${id}' in this patient's record`),
  unknownCode: (path: string, system: string, code: string, reason: string, terminology?: string) =>
    new AppError(422, 'CLINICAL_LIST_UNKNOWN_CODE', `${path}: '${code}' is ${reason} (${system})`, {
      path,
      system,
      value: code,
      ...(terminology ? { terminology } : {}),
    }),
  invalidTransition: (what: string, path: string, from: string, to: string, allowed: readonly string[]) =>
    new AppError(
      422,
      'CLINICAL_LIST_INVALID_TRANSITION',
      allowed.length
        ? `A ${what} that is ${from} cannot become ${to}; it can become ${allowed.join(', ')}`
        : `A ${what} that is ${from} cannot change status any more`,
      { path, from, to, allowedTransitions: allowed },
    ),
  ruleBroken: (path: string, message: string) =>
    new AppError(422, 'CLINICAL_LIST_RULE', `${path}: ${message}`, { path }),
  noKnownAllergyConflict: (message: string, conflicting: string[]) =>
    new AppError(409, 'CLINICAL_LIST_ALLERGY_CONFLICT', message, { conflicting }),
  conflict: () =>
    new AppError(409, 'CLINICAL_LIST_CONFLICT', 'The record was changed by another request at the same time; retry'),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'CLINICAL_LIST_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  referenceMismatch: (path: string, message: string) =>
    new AppError(422, 'CLINICAL_LIST_REFERENCE_MISMATCH', `${path}: ${message}`, { path }),
};
