import type { ChargeItem, ChargeItemDefinition, Invoice } from '@medplum/fhirtypes';
import { decimalToMinor } from './money';

/** The payment row the server keeps (not FHIR: operational ledger data). */
export interface PaymentRow {
  id: string;
  kind: 'payment' | 'refund';
  method: string;
  patient: string | null;
  invoice: string | null;
  amount: number;
  applied: number;
  credited: number;
  currency: string;
  refundOf: string | null;
  receivedAt: string;
}

export interface PatientBalance {
  currency: string;
  receivable: number;
  credit: number;
  due: number;
}

export type ChargeStatusTone = 'provisional' | 'billable' | 'draft' | 'billed' | 'voided' | 'other';

/** The words the desk uses for a FHIR ChargeItem status. */
export function chargeStatus(status: ChargeItem['status']): { label: string; tone: ChargeStatusTone } {
  switch (status) {
    case 'planned':
      return { label: 'Provisional', tone: 'provisional' };
    case 'billable':
      return { label: 'Billable', tone: 'billable' };
    case 'billed':
      return { label: 'Invoiced', tone: 'billed' };
    case 'not-billable':
    case 'entered-in-error':
    case 'aborted':
      return { label: 'Voided', tone: 'voided' };
    default:
      return { label: status ?? 'Unknown', tone: 'other' };
  }
}

const MODIFIER_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/charge-modifier';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';

export interface ChargeLine {
  id: string;
  encounter: string | undefined;
  code: string;
  description: string;
  modifiers: string[];
  diagnoses: string[];
  quantity: number;
  currency: string;
  /** Unit price × quantity in minor units (before invoice discounts and tax). */
  amount: number;
  status: { label: string; tone: ChargeStatusTone };
  occurred: string | undefined;
}

/** A ChargeItem as a row of the desk: code, modifiers, diagnoses, amount in minor units. */
export function chargeLine(charge: ChargeItem): ChargeLine {
  const coding = charge.code?.coding?.[0];
  const currency = charge.priceOverride?.currency ?? 'USD';
  const unit = decimalToMinor(charge.priceOverride?.value, currency) ?? 0;
  const quantity = charge.quantity?.value ?? 1;
  return {
    id: charge.id ?? '',
    encounter: charge.context?.reference?.startsWith('Encounter/') ? charge.context.reference.slice(10) : undefined,
    code: coding?.code ?? '',
    description: coding?.display ?? charge.code?.text ?? '',
    modifiers: (charge.extension ?? [])
      .filter((extension) => extension.url === MODIFIER_EXTENSION)
      .map((extension) => extension.valueCoding?.code ?? '')
      .filter(Boolean),
    diagnoses: (charge.reason ?? [])
      .flatMap((reason) => reason.coding ?? [])
      .filter((coding) => coding.system === ICD10CM || !coding.system)
      .map((coding) => coding.code ?? '')
      .filter(Boolean),
    quantity,
    currency,
    amount: Math.round(unit * quantity),
    status: chargeStatus(charge.status),
    occurred: charge.occurrenceDateTime,
  };
}

export interface VisitCharges {
  /** Encounter id; undefined for charges entered without a visit. */
  encounter: string | undefined;
  lines: ChargeLine[];
  /** Date of the earliest charge. */
  date: string | undefined;
  billableCount: number;
  billableTotal: number;
  currency: string;
}

/** Ids of the charges on draft invoices: still billable, but already waiting on an invoice to be issued. */
export function chargesOnDrafts(invoices: Invoice[]): Set<string> {
  return new Set(
    invoices
      .filter((invoice) => invoice.status === 'draft')
      .flatMap((invoice) => invoice.lineItem ?? [])
      .map((item) => item.chargeItemReference?.reference ?? '')
      .filter((reference) => reference.startsWith('ChargeItem/'))
      .map((reference) => reference.slice(11)),
  );
}

/** Charges grouped by visit, the most recent visit first; charges on a draft invoice are not billable again. */
export function chargesByVisit(charges: ChargeItem[], onDrafts: Set<string> = new Set()): VisitCharges[] {
  const groups = new Map<string, ChargeLine[]>();
  for (const charge of charges) {
    let line = chargeLine(charge);
    if (line.status.tone === 'billable' && onDrafts.has(line.id))
      line = { ...line, status: { label: 'On draft invoice', tone: 'draft' } };
    const key = line.encounter ?? '';
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups.entries()]
    .map(([key, lines]) => {
      const billable = lines.filter((line) => line.status.tone === 'billable');
      const dates = lines.map((line) => line.occurred).filter((date): date is string => Boolean(date));
      return {
        encounter: key || undefined,
        lines,
        date: dates.sort()[0],
        billableCount: billable.length,
        billableTotal: billable.reduce((sum, line) => sum + line.amount, 0),
        currency: lines[0]?.currency ?? 'USD',
      };
    })
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}

export interface InvoiceSummary {
  id: string;
  status: string;
  statusLabel: string;
  date: string | undefined;
  currency: string;
  total: number;
  paid: number;
  balanceDue: number;
  lineCount: number;
  creditNote: boolean;
}

const INVOICE_STATUS: Record<string, string> = {
  draft: 'Draft',
  issued: 'Issued',
  balanced: 'Paid',
  cancelled: 'Cancelled',
  'entered-in-error': 'Entered in error',
};

function statusLabelOf(status: string | undefined, owing: boolean, paid: number, balanceDue: number): string {
  if (owing && balanceDue === 0) return 'Paid';
  if (owing && paid > 0) return 'Partially paid';
  return INVOICE_STATUS[status ?? ''] ?? 'Unknown';
}

/**
 * An invoice with what was paid against it (its payments less their refunds) and what remains due.
 * Draft and cancelled invoices owe nothing yet.
 */
export function invoiceSummary(invoice: Invoice, payments: PaymentRow[]): InvoiceSummary {
  const currency = invoice.totalGross?.currency ?? 'USD';
  const total = decimalToMinor(invoice.totalGross?.value, currency) ?? 0;
  const own = payments.filter((payment) => payment.kind === 'payment' && payment.invoice === invoice.id);
  const ownIds = new Set(own.map((payment) => payment.id));
  const refunded = payments
    .filter((payment) => payment.kind === 'refund' && payment.refundOf && ownIds.has(payment.refundOf))
    .reduce((sum, refund) => sum + Math.abs(refund.amount), 0);
  const paid = own.reduce((sum, payment) => sum + payment.amount, 0) - refunded;
  const owing = invoice.status === 'issued' || invoice.status === 'balanced';
  const creditNote = invoice.type?.coding?.some((coding) => coding.code === 'credit-note') ?? false;
  const balanceDue = owing && !creditNote ? Math.max(total - paid, 0) : 0;
  return {
    id: invoice.id ?? '',
    status: invoice.status ?? 'draft',
    statusLabel: statusLabelOf(invoice.status, owing && !creditNote, paid, balanceDue),
    date: invoice.date,
    currency,
    total,
    paid,
    balanceDue,
    lineCount: invoice.lineItem?.length ?? 0,
    creditNote,
  };
}

export interface CatalogService {
  id: string;
  code: string;
  system: string;
  title: string;
  status: string;
  /** Self-pay price in minor units. */
  price: number | undefined;
  currency: string;
}

const PRICE_LIST_SYSTEM = 'https://meridian.health/fhir/CodeSystem/price-list';

/** A catalog entry (ChargeItemDefinition) with its self-pay price. */
export function catalogService(definition: ChargeItemDefinition): CatalogService {
  const coding = definition.code?.coding?.[0];
  const bases = (definition.propertyGroup ?? [])
    .flatMap((group) => group.priceComponent ?? [])
    .filter((component) => component.type === 'base' && component.amount);
  const listOf = (component: (typeof bases)[number]) =>
    component.code?.coding?.find((code) => code.system === PRICE_LIST_SYSTEM)?.code;
  const chosen = bases.find((component) => listOf(component) === 'self-pay') ?? bases[0];
  const currency = chosen?.amount?.currency ?? 'USD';
  return {
    id: definition.id ?? '',
    code: coding?.code ?? '',
    system: coding?.system ?? '',
    title: definition.title ?? coding?.display ?? '',
    status: definition.status ?? 'unknown',
    price: chosen ? decimalToMinor(chosen.amount?.value, currency) : undefined,
    currency,
  };
}

/** The patient's ledger balance in one currency (zero when the ledger has nothing). */
export function balanceIn(balances: PatientBalance[], currency = 'USD'): PatientBalance {
  return balances.find((balance) => balance.currency === currency) ?? { currency, receivable: 0, credit: 0, due: 0 };
}
