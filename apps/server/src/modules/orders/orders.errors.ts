import { FhirError } from '../../fhir';
import { AppError } from '../../platform/http';

/** Error codes of the orders and results module (also listed in docs/errors.md). */
export const ordersErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'ORDER_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (id: string) => new AppError(404, 'ORDER_NOT_FOUND', `No order ${id} in this tenant`),
  reportNotFound: (id: string) => new AppError(404, 'RESULT_NOT_FOUND', `No result report ${id} in this tenant`),
  invalidTransition: (from: string | undefined, to: string, allowed: readonly string[]) =>
    new AppError(
      422,
      'ORDER_INVALID_TRANSITION',
      `status: an order that is ${from ?? 'without status'} cannot become ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      { path: 'status', from, to, allowedTransitions: allowed },
    ),
  notResultable: (status: string | undefined) =>
    new AppError(
      422,
      'ORDER_NOT_RESULTABLE',
      `status: results are taken for active orders (and corrections for completed ones); this order is ${status}`,
      { path: 'status', orderStatus: status },
    ),
  reportStatus: (message: string) =>
    new AppError(422, 'RESULT_INVALID_STATUS', `status: ${message}`, { path: 'status' }),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'ORDER_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  referenceMismatch: (path: string, message: string) =>
    new AppError(422, 'ORDER_REFERENCE_MISMATCH', `${path}: ${message}`, { path }),
  conflict: () =>
    new AppError(
      409,
      'ORDER_CONFLICT',
      'Another request changed the order at the same moment; read it again and retry',
    ),
};

/** A FHIR refusal inside a module call, as a problem naming the field when the issue names one. */
export function fromFhirError(error: unknown): unknown {
  if (!(error instanceof FhirError)) return error;
  if (error.status === 412 || error.errorCode === 'FHIR_CONCURRENT_WRITE') return ordersErrors.conflict();
  return error;
}
