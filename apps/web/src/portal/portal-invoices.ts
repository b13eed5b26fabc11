import { isApiError } from '../api/api-error';
import { formatMoney } from '../billing/money';
import type { PortalInvoice } from './portal-api';

/**
 * What a patient reads about an invoice: to pay, partly paid, with their insurer (nothing to pay, but
 * not paid either), paid, cancelled, or a credit note.
 */
export function invoiceState(invoice: PortalInvoice): { label: string; color: string } {
  if (invoice.kind === 'credit-note') return { label: 'Credit note', color: 'gray.7' };
  if (invoice.status === 'cancelled') return { label: 'Cancelled', color: 'gray.7' };
  if (invoice.status !== 'issued' && invoice.status !== 'balanced') return { label: invoice.status, color: 'gray.7' };
  if (invoice.openBalance === 0 && invoice.insurer.expected > 0)
    return { label: 'With your insurer', color: 'indigo.9' };
  if (invoice.openBalance === 0) return { label: 'Paid', color: 'teal.9' };
  // The patient's own part: what credit notes and insurers did not take over.
  const { expected, paid, adjusted } = invoice.insurer;
  const share = invoice.total - invoice.credited - expected - paid - adjusted;
  if (invoice.openBalance < share) return { label: 'Partly paid', color: 'yellow.4' };
  return { label: 'To pay', color: 'blue.9' };
}

/** What the patient's insurer was asked to pay of an invoice and what it did, if it was claimed at all. */
export function insurerNote(invoice: PortalInvoice): string | undefined {
  const { expected, paid, adjusted } = invoice.insurer;
  const money = (amount: number) => formatMoney(amount, invoice.currency);
  const parts: string[] = [];
  if (expected > 0)
    parts.push(
      paid > 0
        ? `Your insurer paid ${money(paid)} and is expected to pay ${money(expected)} more.`
        : `Your insurer is expected to pay ${money(expected)}; it has not paid yet.`,
    );
  else if (paid > 0) parts.push(`Your insurer paid ${money(paid)}.`);
  if (adjusted > 0)
    parts.push(`${parts.length ? 'Its' : "Your insurer's"} agreement with the clinic took ${money(adjusted)} off.`);
  return parts.length ? parts.join(' ') : undefined;
}

/** A payment refusal in words a patient can act on, and the field it is about (if any). */
export function paymentRefusal(error: unknown): { field?: 'amount' | 'card'; title: string; message: string } {
  if (!isApiError(error)) return { title: 'The payment was not taken', message: 'Something went wrong. Try again.' };
  if (error.code === 'BILLING_PAYMENT_DECLINED') {
    return {
      field: 'card',
      title: 'Your card was declined',
      message: 'Your card was declined and no money was taken. Try another card, or contact your bank.',
    };
  }
  if (error.code === 'BILLING_AMOUNT_OVER_BALANCE') {
    const open = Number(error.details.openBalance);
    const currency = String(error.details.currency ?? 'USD');
    return {
      field: 'amount',
      title: 'The amount is more than you owe',
      message: Number.isFinite(open)
        ? `You can pay at most ${formatMoney(open, currency)} on this invoice.`
        : 'The amount is more than the balance of this invoice.',
    };
  }
  if (error.code === 'BILLING_INVALID_REQUEST' && error.details.path === 'amount') {
    return { field: 'amount', title: 'Check the amount', message: error.message.replace(/^amount: /, '') };
  }
  if (error.code === 'BILLING_STATE_CONFLICT') {
    return {
      title: 'This invoice cannot be paid now',
      message: 'It may have been paid or changed meanwhile. Close this window to see it as it is now.',
    };
  }
  return { title: 'The payment was not taken', message: error.message };
}

/** The confirmation after a payment: what was paid, and what is left on the invoice. */
export function paidMessage(amount: number, currency: string, balance: number | undefined): string {
  const paid = `You paid ${formatMoney(amount, currency)}.`;
  if (balance === undefined) return paid;
  if (balance === 0) return `${paid} This invoice is now paid in full: the balance is ${formatMoney(0, currency)}.`;
  return `${paid} The balance left on this invoice is ${formatMoney(balance, currency)}.`;
}
