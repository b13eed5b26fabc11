import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { attemptFor, outcomeOfError, startAttempt } from './payment-attempt';

const keys = () => {
  let n = 0;
  return () => `key-${++n}`;
};

describe('payment attempts', () => {
  it('reuses the key of an attempt on every retry of the same payment', () => {
    const newKey = keys();
    const first = attemptFor(startAttempt(newKey), '{"amount":5000}', newKey);
    expect(first.key).toBe('key-1');
    const retry = attemptFor({ ...first, outcome: 'unknown' }, '{"amount":5000}', newKey);
    expect(retry.key).toBe('key-1');
    const doubleClick = attemptFor(first, '{"amount":5000}', newKey);
    expect(doubleClick.key).toBe('key-1');
  });
  it('keeps the key when the payment changed but the last send may have gone through', () => {
    const newKey = keys();
    const first = attemptFor(undefined, '{"amount":5000}', newKey);
    expect(attemptFor({ ...first, outcome: 'unknown' }, '{"amount":6000}', newKey).key).toBe('key-1');
  });
  it('starts a new key after a success, or after a refusal once the payment is changed', () => {
    const newKey = keys();
    const first = attemptFor(undefined, '{"token":"tok_declined"}', newKey);
    expect(attemptFor({ ...first, outcome: 'refused' }, '{"token":"tok_declined"}', newKey).key).toBe('key-1');
    expect(attemptFor({ ...first, outcome: 'refused' }, '{"token":"tok_visa"}', newKey).key).toBe('key-2');
    expect(attemptFor({ ...first, outcome: 'succeeded' }, '{"token":"tok_declined"}', newKey).key).toBe('key-3');
  });
  it('tells a refusal from an answer that never came', () => {
    expect(outcomeOfError(new ApiError(402, 'declined', [], undefined))).toBe('refused');
    expect(outcomeOfError(new ApiError(400, 'bad', [], undefined))).toBe('refused');
    expect(outcomeOfError(new ApiError(0, 'offline', [], undefined))).toBe('unknown');
    expect(outcomeOfError(new ApiError(503, 'down', [], undefined))).toBe('unknown');
    expect(outcomeOfError(new ApiError(409, 'in progress', [], undefined))).toBe('unknown');
    expect(outcomeOfError(new ApiError(409, 'in progress', [], undefined, 'BILLING_IDEMPOTENCY_IN_PROGRESS'))).toBe(
      'unknown',
    );
    expect(outcomeOfError(new ApiError(409, 'nothing owed', [], undefined, 'BILLING_STATE_CONFLICT'))).toBe('refused');
    expect(outcomeOfError(new Error('boom'))).toBe('unknown');
  });
});
