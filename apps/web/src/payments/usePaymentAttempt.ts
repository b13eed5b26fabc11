import { useMutation } from '@tanstack/react-query';
import { useRef } from 'react';
import { attemptFor, outcomeOfError, type PaymentAttempt, startAttempt } from './payment-attempt';

/**
 * Sends payments under one Idempotency-Key per payment attempt (see payment-attempt.ts): a double click,
 * a timeout or a retry after a network drop sends the same key, so a card is never charged twice. The
 * billing desk's and the patient portal's payment dialogs both pay through it.
 */
export function usePaymentAttempt<Request, Result>(
  send: (request: Request, idempotencyKey: string) => Promise<Result>,
  options: { onSuccess?: (result: Result) => unknown } = {},
) {
  const attempt = useRef<PaymentAttempt>(startAttempt());
  const sending = useRef(false);
  const mutation = useMutation({
    mutationFn: async (request: Request) => {
      const next = attemptFor(attempt.current, JSON.stringify(request));
      attempt.current = next;
      try {
        const result = await send(request, next.key);
        attempt.current = { ...next, outcome: 'succeeded' };
        return result;
      } catch (error) {
        attempt.current = { ...next, outcome: outcomeOfError(error) };
        throw error;
      }
    },
    ...(options.onSuccess ? { onSuccess: options.onSuccess } : {}),
  });

  /** Sends `request` unless a send is already under way (a second click while the first is in flight). */
  const submit = (request: Request) => {
    if (sending.current || mutation.isPending) return;
    sending.current = true;
    mutation.mutate(request, {
      onSettled: () => {
        sending.current = false;
      },
    });
  };

  return {
    submit,
    result: mutation.data,
    error: mutation.error,
    isPending: mutation.isPending,
    isError: mutation.isError,
    isSuccess: mutation.isSuccess,
    /** The last send got no answer that settles it: the payment may have been taken, so retry (same key). */
    mayHaveGoneThrough: mutation.isError && outcomeOfError(mutation.error) === 'unknown',
  };
}
