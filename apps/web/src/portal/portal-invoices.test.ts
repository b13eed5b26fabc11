import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import type { PortalInvoice } from './portal-api';
import { insurerNote, invoiceState, paidMessage, paymentRefusal } from './portal-invoices';

const invoice = (overrides: Partial<PortalInvoice> = {}): PortalInvoice => ({
  id: 'a1b2c3d4-0000-4000-8000-000000000000',
  kind: 'invoice',
  status: 'issued',
  currency: 'USD',
  total: 15_000,
  paid: 0,
  credited: 0,
  openBalance: 15_000,
  insurer: { expected: 0, paid: 0, adjusted: 0 },
  payable: true,
  lineCount: 1,
  ...overrides,
});

const problem = (status: number, code: string, message: string, details: Record<string, unknown> = {}) =>
  new ApiError(status, message, [], 'req-1', code, details);

describe('portal invoices', () => {
  it('says whether an invoice is to pay, partly paid, paid, cancelled or a credit note', () => {
    expect(invoiceState(invoice()).label).toBe('To pay');
    expect(invoiceState(invoice({ paid: 5_000, openBalance: 10_000 })).label).toBe('Partly paid');
    expect(invoiceState(invoice({ paid: 15_000, openBalance: 0, payable: false })).label).toBe('Paid');
    expect(invoiceState(invoice({ status: 'balanced', openBalance: 0 })).label).toBe('Paid');
    expect(invoiceState(invoice({ status: 'cancelled', openBalance: 0 })).label).toBe('Cancelled');
    expect(invoiceState(invoice({ kind: 'credit-note', total: -5_000, openBalance: 0 })).label).toBe('Credit note');
    // A credit note lowered what is due: the rest is still simply to pay.
    expect(invoiceState(invoice({ credited: 5_000, openBalance: 10_000 })).label).toBe('To pay');
  });

  it('tells an invoice with the insurer (nothing to pay, not paid) from a paid one, and what the insurer paid', () => {
    const claimed = invoice({ openBalance: 0, payable: false, insurer: { expected: 15_000, paid: 0, adjusted: 0 } });
    expect(invoiceState(claimed).label).toBe('With your insurer');
    expect(insurerNote(claimed)).toBe('Your insurer is expected to pay $150.00; it has not paid yet.');
    // The insurer paid 100.00 and took 20.00 off; the 30.00 left is the patient's, none of it paid yet.
    const answered = invoice({ openBalance: 3_000, insurer: { expected: 0, paid: 10_000, adjusted: 2_000 } });
    expect(invoiceState(answered).label).toBe('To pay');
    expect(insurerNote(answered)).toBe('Your insurer paid $100.00. Its agreement with the clinic took $20.00 off.');
    expect(invoiceState({ ...answered, paid: 1_000, openBalance: 2_000 }).label).toBe('Partly paid');
    expect(invoiceState({ ...answered, paid: 3_000, openBalance: 0, payable: false }).label).toBe('Paid');
    const partly = invoice({ openBalance: 0, payable: false, insurer: { expected: 5_000, paid: 10_000, adjusted: 0 } });
    expect(invoiceState(partly).label).toBe('With your insurer');
    expect(insurerNote(partly)).toBe('Your insurer paid $100.00 and is expected to pay $50.00 more.');
    expect(insurerNote(invoice())).toBeUndefined();
  });

  it('explains refusals in plain words, on the field they concern', () => {
    expect(paymentRefusal(problem(402, 'BILLING_PAYMENT_DECLINED', 'declined: card_declined'))).toMatchObject({
      field: 'card',
      title: 'Your card was declined',
    });
    expect(
      paymentRefusal(
        problem(422, 'BILLING_AMOUNT_OVER_BALANCE', 'too much', {
          path: 'amount',
          openBalance: 10_000,
          currency: 'USD',
        }),
      ),
    ).toEqual({
      field: 'amount',
      title: 'The amount is more than you owe',
      message: 'You can pay at most $100.00 on this invoice.',
    });
    expect(
      paymentRefusal(problem(400, 'BILLING_INVALID_REQUEST', 'amount: Too small', { path: 'amount' })),
    ).toMatchObject({ field: 'amount', message: 'Too small' });
    expect(paymentRefusal(problem(409, 'BILLING_STATE_CONFLICT', 'nothing is owed')).title).toBe(
      'This invoice cannot be paid now',
    );
    expect(paymentRefusal(new Error('boom')).title).toBe('The payment was not taken');
  });

  it('confirms a payment with the balance left', () => {
    expect(paidMessage(5_000, 'USD', 10_000)).toBe('You paid $50.00. The balance left on this invoice is $100.00.');
    expect(paidMessage(10_000, 'USD', 0)).toBe(
      'You paid $100.00. This invoice is now paid in full: the balance is $0.00.',
    );
    expect(paidMessage(10_000, 'USD', undefined)).toBe('You paid $100.00.');
  });
});
