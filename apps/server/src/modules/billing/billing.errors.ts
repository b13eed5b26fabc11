import { AppError } from '../../platform/http';

export const billingErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'BILLING_INVALID_REQUEST', message, path ? { path } : undefined),
  unbalanced: (message: string) => new AppError(422, 'BILLING_UNBALANCED', message),
  notFound: (what: string, path?: string) =>
    new AppError(404, 'BILLING_NOT_FOUND', `${what} does not exist`, path ? { path } : undefined),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'BILLING_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  conflict: (message: string, path?: string) =>
    new AppError(409, 'BILLING_STATE_CONFLICT', message, path ? { path } : undefined),
  noPrice: (path: string, message: string) => new AppError(422, 'BILLING_NO_PRICE', `${path}: ${message}`, { path }),
  idempotencyKeyRequired: () =>
    new AppError(
      400,
      'BILLING_IDEMPOTENCY_KEY_REQUIRED',
      'Payment calls need an Idempotency-Key header (1 to 200 visible characters)',
      { path: 'Idempotency-Key' },
    ),
  idempotencyKeyReused: () =>
    new AppError(
      422,
      'BILLING_IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used for a different request; use a new key for a new payment',
      { path: 'Idempotency-Key' },
    ),
  idempotencyInProgress: () =>
    new AppError(409, 'BILLING_IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still running', {
      path: 'Idempotency-Key',
    }),
  paymentDeclined: (reason: string) =>
    new AppError(402, 'BILLING_PAYMENT_DECLINED', `The card payment was declined: ${reason}`, { reason }),
  amountOverBalance: (openBalance: number, currency: string) =>
    new AppError(
      422,
      'BILLING_AMOUNT_OVER_BALANCE',
      `amount: more than the invoice's open balance of ${openBalance} (minor units of ${currency})`,
      { path: 'amount', openBalance, currency },
    ),
  noPatientRecord: () =>
    new AppError(403, 'BILLING_NO_PATIENT_RECORD', 'Your account is not linked to a patient record'),
  invalidSignature: () =>
    new AppError(401, 'BILLING_WEBHOOK_SIGNATURE', 'The webhook signature is missing, invalid or too old', {
      path: 'Meridian-Gateway-Signature',
    }),
  invalidX12: (message: string, segment?: string) =>
    new AppError(422, 'BILLING_INVALID_X12', message, segment ? { segment } : undefined),
};
