import { AppError } from '../../platform/http';

export const encounterErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'ENCOUNTER_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (id: string) => new AppError(404, 'ENCOUNTER_NOT_FOUND', `No encounter '${id}'`),
  invalidTransition: (from: string, to: string, allowed: readonly string[]) =>
    new AppError(
      409,
      'ENCOUNTER_INVALID_TRANSITION',
      allowed.length
        ? `An encounter that is ${from} cannot become ${to}; it can become ${allowed.join(', ')}`
        : `An encounter that is ${from} cannot change status any more`,
      { from, to, allowedTransitions: allowed },
    ),
  closed: (status: string) =>
    new AppError(409, 'ENCOUNTER_CLOSED', `The encounter is ${status}: it can no longer be changed`, { status }),
  conflict: () =>
    new AppError(409, 'ENCOUNTER_CONFLICT', 'The encounter was changed by another request at the same time; retry'),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'ENCOUNTER_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  referenceMismatch: (path: string, message: string) =>
    new AppError(422, 'ENCOUNTER_REFERENCE_MISMATCH', `${path}: ${message}`, { path }),
};
