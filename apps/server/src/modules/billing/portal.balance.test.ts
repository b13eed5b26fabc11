import type { Invoice } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { CREDIT_NOTE_OF_EXTENSION, INVOICE_TYPE_SYSTEM } from './invoices';
import { portalInvoices } from './portal.balance';

function invoice(id: string, date: string, total: number, extra: Partial<Invoice> = {}): Invoice {
  return {
    resourceType: 'Invoice',
    id,
    status: 'issued',
    subject: { reference: 'Patient/p' },
    date,
    lineItem: [{ sequence: 1 }],
    totalGross: { value: total, currency: 'USD' },
    ...extra,
  };
}

const creditNote = (id: string, of: string, total: number) =>
  invoice(id, '2026-03-01T00:00:00Z', total, {
    type: { coding: [{ system: INVOICE_TYPE_SYSTEM, code: 'credit-note' }] },
    extension: [{ url: CREDIT_NOTE_OF_EXTENSION, valueReference: { reference: `Invoice/${of}` } }],
  });

const open = (rows: ReturnType<typeof portalInvoices>) =>
  Object.fromEntries(rows.map((row) => [row.id, row.openBalance]));

describe('portalInvoices', () => {
  const older = invoice('a', '2026-01-01T00:00:00Z', 150);
  const newer = invoice('b', '2026-02-01T00:00:00Z', 100);

  it('leaves each invoice its total less what was paid on it, newest first', () => {
    const rows = portalInvoices([older, newer], new Map([['a', 5_000]]), new Map([['USD', 20_000]]));
    expect(rows.map((row) => row.id)).toEqual(['b', 'a']);
    expect(open(rows)).toEqual({ a: 10_000, b: 10_000 });
    expect(rows.every((row) => row.payable)).toBe(true);
  });

  it('settles the oldest invoice first with what was paid on no invoice (the receivable caps the sum)', () => {
    const rows = portalInvoices([older, newer], new Map(), new Map([['USD', 12_000]]));
    expect(open(rows)).toEqual({ a: 2_000, b: 10_000 });
    const none = portalInvoices([older, newer], new Map(), new Map([['USD', -500]]));
    expect(open(none)).toEqual({ a: 0, b: 0 });
    expect(none.some((row) => row.payable)).toBe(false);
  });

  it('takes credit notes off their invoice; credit notes, drafts and cancelled invoices owe nothing', () => {
    const rows = portalInvoices(
      [
        older,
        creditNote('c', 'a', -40),
        invoice('d', '2026-01-15T00:00:00Z', 80, { status: 'draft' }),
        invoice('e', '2026-01-10T00:00:00Z', 70, { status: 'cancelled' }),
      ],
      new Map(),
      new Map([['USD', 11_000]]),
    );
    expect(rows.map((row) => row.id)).toEqual(['c', 'e', 'a']);
    expect(rows.find((row) => row.id === 'a')).toMatchObject({ credited: 4_000, openBalance: 11_000 });
    expect(rows.find((row) => row.id === 'c')).toMatchObject({ kind: 'credit-note', total: -4_000, openBalance: 0 });
    expect(rows.find((row) => row.id === 'e')).toMatchObject({ openBalance: 0, payable: false });
  });

  it('leaves what a claim moved to the insurer off the invoice, so the receivable goes to the others', () => {
    // The newer invoice was claimed in full: 100.00 moved from the patient's receivable to the insurer's.
    const claimed = portalInvoices(
      [older, newer],
      new Map(),
      new Map([['USD', 15_000]]),
      new Map([['b', { expected: 10_000, paid: 0, adjusted: 0 }]]),
    );
    expect(open(claimed)).toEqual({ a: 15_000, b: 0 });
    expect(claimed.find((row) => row.id === 'b')).toMatchObject({
      payable: false,
      insurer: { expected: 10_000, paid: 0, adjusted: 0 },
    });
    expect(claimed.find((row) => row.id === 'a')?.insurer).toEqual({ expected: 0, paid: 0, adjusted: 0 });
    // The insurer paid 60.00 and took 20.00 off; the 20.00 left is the patient's again.
    const answered = portalInvoices(
      [older, newer],
      new Map(),
      new Map([['USD', 17_000]]),
      new Map([['b', { expected: 0, paid: 6_000, adjusted: 2_000 }]]),
    );
    expect(open(answered)).toEqual({ a: 15_000, b: 2_000 });
  });

  it('never opens more than the invoice total, nor a negative amount, when more was paid on it', () => {
    const rows = portalInvoices([older], new Map([['a', 20_000]]), new Map([['USD', 5_000]]));
    expect(rows[0]).toMatchObject({ paid: 20_000, openBalance: 0, payable: false });
  });
});
