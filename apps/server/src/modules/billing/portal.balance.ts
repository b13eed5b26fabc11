import type { Invoice } from '@medplum/fhirtypes';
import { CREDIT_NOTE_OF_EXTENSION, invoiceMoney, isCreditNote } from './invoices';

/**
 * What insurers were asked to pay of an invoice through claims on it, from the ledger, in minor units.
 * All 0 when it was never claimed, or when every claim on it was denied (the amount is the patient's again).
 */
export interface InsurerShare {
  /** Claimed and not answered yet: the insurer is expected to pay it, the patient owes it not. */
  expected: number;
  /** What insurers paid. */
  paid: number;
  /** What the insurer's agreement took off (contractual adjustments): owed by nobody. */
  adjusted: number;
}

export const NO_INSURER_SHARE: InsurerShare = Object.freeze({ expected: 0, paid: 0, adjusted: 0 });

/** One of a patient's invoices as the portal shows it: what it came to and what is still open on it. */
export interface PortalInvoice {
  id: string;
  kind: 'invoice' | 'credit-note';
  /** The FHIR Invoice status (issued, balanced, cancelled). */
  status: string;
  date: string | undefined;
  currency: string;
  /** Minor units. */
  total: number;
  /** The patient's payments on this invoice less their refunds. */
  paid: number;
  /** What credit notes took off this invoice. */
  credited: number;
  /** What the patient still owes on it (0 once settled, and for credit notes and cancelled invoices). */
  openBalance: number;
  /** The part insurers were asked to pay (and paid, and took off); the patient does not owe it. */
  insurer: InsurerShare;
  /** Whether the patient may pay it now: an issued invoice with an open balance. */
  payable: boolean;
  lineCount: number;
}

/**
 * What is open on each of a patient's invoices. An invoice's own remainder is its total less credit notes
 * against it and payments made on it; but what the patient owes in all (their receivable on the ledger,
 * after payments not made on an invoice, write-offs and claims moved to an insurer) caps the sum. As in
 * the AR aging, payments settle the oldest debts first, so the receivable is what remains of the newest
 * invoices: it is handed out newest first, each invoice taking at most its own remainder. What a claim
 * moved to an insurer is off the invoice's own remainder too, so it is not handed the receivable of others.
 *
 * `paid` holds each invoice's net patient payments; `receivable` the patient's receivable per currency;
 * `insurer` each claimed invoice's insurer share.
 */
export function portalInvoices(
  invoices: Invoice[],
  paid: ReadonlyMap<string, number>,
  receivable: ReadonlyMap<string, number>,
  insurer: ReadonlyMap<string, InsurerShare> = new Map(),
): PortalInvoice[] {
  const credited = new Map<string, number>();
  for (const invoice of invoices) {
    if (!isCreditNote(invoice) || !owing(invoice)) continue;
    const of = invoice.extension?.find((extension) => extension.url === CREDIT_NOTE_OF_EXTENSION)?.valueReference
      ?.reference;
    if (!of?.startsWith('Invoice/')) continue;
    const id = of.slice('Invoice/'.length);
    credited.set(id, (credited.get(id) ?? 0) - invoiceMoney(invoice).total);
  }
  const rows = invoices
    .filter((invoice) => invoice.status !== 'draft' && invoice.status !== 'entered-in-error')
    .map((invoice): PortalInvoice => {
      const money = invoiceMoney(invoice);
      const id = invoice.id ?? '';
      return {
        id,
        kind: isCreditNote(invoice) ? 'credit-note' : 'invoice',
        status: invoice.status,
        date: invoice.date,
        currency: money.currency,
        total: money.total,
        paid: paid.get(id) ?? 0,
        credited: credited.get(id) ?? 0,
        openBalance: 0,
        insurer: { ...(insurer.get(id) ?? NO_INSURER_SHARE) },
        payable: false,
        lineCount: invoice.lineItem?.length ?? 0,
      };
    })
    .sort(newestFirst);
  const left = new Map([...receivable].map(([currency, amount]) => [currency, Math.max(amount, 0)]));
  for (const row of rows) {
    if (row.kind !== 'invoice' || row.status !== 'issued') continue;
    const { expected, paid: insurerPaid, adjusted } = row.insurer;
    const remainder = Math.max(row.total - row.credited - row.paid - expected - insurerPaid - adjusted, 0);
    const available = left.get(row.currency) ?? 0;
    row.openBalance = Math.min(remainder, available);
    row.payable = row.openBalance > 0;
    left.set(row.currency, available - row.openBalance);
  }
  return rows;
}

function owing(invoice: Invoice): boolean {
  return invoice.status === 'issued' || invoice.status === 'balanced';
}

function newestFirst(a: PortalInvoice, b: PortalInvoice): number {
  const time = (date: string | undefined) => (date ? Date.parse(date) || 0 : 0);
  const byDate = time(b.date) - time(a.date);
  return byDate !== 0 ? byDate : b.id.localeCompare(a.id);
}
