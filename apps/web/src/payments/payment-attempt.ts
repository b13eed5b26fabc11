import { isApiError } from '../api/api-error';

/**
 * One payment attempt's Idempotency-Key. The key is made once when a person starts a payment and sent
 * again on every retry of it (double click, timeout, network drop), so the server answers a retry with
 * the first result instead of charging the card twice.
 */
export interface PaymentAttempt {
  key: string;
  /** The request body last sent under this key. */
  body: string | undefined;
  /** What came of the last send: nothing yet, done, refused for good, or unknown (it may have gone through). */
  outcome: 'pending' | 'succeeded' | 'refused' | 'unknown';
}

export function startAttempt(newKey: () => string = () => crypto.randomUUID()): PaymentAttempt {
  return { key: newKey(), body: undefined, outcome: 'pending' };
}

/**
 * The attempt to send `body` under. The same key is reused unless the last send succeeded (a new payment)
 * or was refused for good and the person then changed the payment (amount, method, card): only then is
 * it safe to start over with a new key.
 */
export function attemptFor(
  previous: PaymentAttempt | undefined,
  body: string,
  newKey: () => string = () => crypto.randomUUID(),
): PaymentAttempt {
  if (!previous || previous.outcome === 'succeeded') return { key: newKey(), body, outcome: 'pending' };
  if (previous.body !== undefined && previous.body !== body && previous.outcome === 'refused')
    return { key: newKey(), body, outcome: 'pending' };
  return { ...previous, body, outcome: 'pending' };
}

/** Whether an error means the server settled the request (refused it) rather than maybe not seeing it. */
export function outcomeOfError(error: unknown): PaymentAttempt['outcome'] {
  if (!isApiError(error)) return 'unknown';
  // No answer, a server failure, or "still running": the payment may have been taken. Retry with the same key.
  if (error.status === 0 || error.status >= 500) return 'unknown';
  // Other conflicts (the invoice was paid or cancelled meanwhile) are refusals: nothing was taken.
  if (error.status === 409) return error.code && error.code !== IN_PROGRESS ? 'refused' : 'unknown';
  return 'refused';
}

const IN_PROGRESS = 'BILLING_IDEMPOTENCY_IN_PROGRESS';
