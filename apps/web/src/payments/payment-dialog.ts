/**
 * When a payment dialog may close by accident: a click outside it or Escape. Not while a payment is on its
 * way (its confirmation would be lost, and a second click can land outside as the form shrinks), nor while
 * it shows a refusal or "may have gone through" (closing loses the message, and with it the attempt's
 * Idempotency-Key: paying again from a new dialog could charge twice). Its Cancel and close buttons still
 * close it: those are deliberate. The billing desk's and the patient portal's dialogs both use it.
 */
export function accidentalClose(payment: { isPending: boolean; isError: boolean }): {
  closeOnClickOutside: boolean;
  closeOnEscape: boolean;
} {
  const allowed = !payment.isPending && !payment.isError;
  return { closeOnClickOutside: allowed, closeOnEscape: allowed };
}
