import type { ChargeItem, Invoice, InvoiceLineItem } from '@medplum/fhirtypes';
import { z } from 'zod';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import { auditBilling, type BillingCaller, type EventPublisher, recorderOf } from './billing.context';
import { billingErrors } from './billing.errors';
import { minorAmount, referenceTo, resourceId } from './billing.schemas';
import { type ChargesService, chargeMoney } from './charges';
import { invoiceTotals, type LineInput } from './invoice.totals';
import type { LedgerStore, PostingLine } from './ledger.store';
import { fromMinor, toMinor } from './money';

export const INVOICE_TYPE_SYSTEM = 'https://meridian.health/fhir/CodeSystem/invoice-type';
export const CREDIT_NOTE_OF_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/credit-note-of';
export const TAX_CODE_SYSTEM = 'https://meridian.health/fhir/CodeSystem/tax';

const rate = z.string().regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, 'must be a decimal rate between 0 and 1, e.g. "0.10"');
export const invoiceBody = z
  .object({
    encounter: referenceTo('Encounter').optional(),
    patient: referenceTo('Patient').optional(),
    discounts: z
      .array(
        z
          .object({ charge: resourceId, percent: rate.optional(), amount: minorAmount.optional() })
          .refine((d) => (d.percent === undefined) !== (d.amount === undefined), 'give either percent or amount'),
      )
      .max(200)
      .default([]),
    issue: z.boolean().default(true),
  })
  .refine((body) => body.encounter || body.patient, { message: 'give an encounter or a patient', path: ['encounter'] });
export const creditNoteBody = z.object({
  reason: z.string().trim().min(1).max(500),
  /** Charges of the invoice to credit; all of them when left out. */
  charges: z.array(resourceId).min(1).max(1000).optional(),
});

/** What an invoice's lines and totals amount to, in minor units (read back from the FHIR Invoice). */
export function invoiceMoney(invoice: Invoice) {
  const currency = invoice.totalGross?.currency ?? 'USD';
  const minor = (value: number | undefined) => (value === undefined ? 0 : (toMinor(value, currency) ?? 0));
  const lines = (invoice.lineItem ?? []).map((item) => {
    const of = (type: string) =>
      minor(item.priceComponent?.find((component) => component.type === type)?.amount?.value);
    return { charge: item.chargeItemReference?.reference, gross: of('base'), discount: of('discount'), tax: of('tax') };
  });
  const sum = (key: 'gross' | 'discount' | 'tax') => lines.reduce((total, line) => total + line[key], 0);
  return {
    currency,
    lines,
    gross: sum('gross'),
    discount: sum('discount'),
    tax: sum('tax'),
    total: minor(invoice.totalGross?.value),
  };
}

const SEARCH_BASE = 'urn:meridian:billing';

/** Invoices (FHIR Invoice) from charges; issued ones are immutable and corrected by credit notes. */
export class InvoicesService {
  constructor(
    private readonly deps: {
      repository: FhirRepository;
      search: SearchService;
      audit: AuditService;
      ledger: LedgerStore;
      charges: ChargesService;
      events?: EventPublisher | undefined;
      now: () => Date;
    },
  ) {}

  /** An invoice of the billable charges of an encounter (or of all a patient's), issued unless asked not to. */
  async create(caller: BillingCaller, input: z.output<typeof invoiceBody>): Promise<Invoice> {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const ctx = { ...caller.ctx, tx };
      const charges = await this.deps.charges.list(ctx, {
        ...(input.encounter ? { encounter: input.encounter } : {}),
        ...(input.patient ? { patient: input.patient } : {}),
        status: 'billable',
      });
      // Lines in a stable order: by date of service, then code.
      const key = (charge: ChargeItem) =>
        `${charge.occurrenceDateTime ?? ''}|${charge.code.coding?.[0]?.code ?? ''}|${charge.id}`;
      charges.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (!charges.length)
        throw billingErrors.conflict(
          'There are no billable charges to invoice',
          input.encounter ? 'encounter' : 'patient',
        );
      const patients = new Set(charges.map((charge) => charge.subject?.reference));
      if (patients.size > 1) throw billingErrors.conflict('The charges are of more than one patient', 'encounter');
      const currencies = new Set(charges.map((charge) => chargeMoney(charge).currency));
      if (currencies.size > 1) throw billingErrors.conflict('The charges are in more than one currency');
      const discounts = new Map(input.discounts.map((discount) => [discount.charge, discount]));
      for (const [index, discount] of input.discounts.entries()) {
        if (!charges.some((charge) => charge.id === discount.charge)) {
          throw billingErrors.invalidRequest(
            `discounts.${index}.charge: not a billable charge of this invoice`,
            `discounts.${index}.charge`,
          );
        }
      }
      const lines = charges.map((charge) => {
        const money = chargeMoney(charge);
        const discount = discounts.get(charge.id!);
        return {
          charge,
          input: {
            unitPrice: money.unitPrice,
            quantity: money.quantity,
            discount: discount ? { percent: discount.percent, amount: discount.amount } : undefined,
            taxRate: money.taxRate,
          } satisfies LineInput,
        };
      });
      const currency = [...currencies][0]!;
      const invoice = invoiceOf({
        patient: [...patients][0]!,
        currency,
        date: this.deps.now().toISOString(),
        status: input.issue ? 'issued' : 'draft',
        lines,
      });
      const stored = (await this.deps.repository.create(ctx, invoice)) as Invoice;
      await auditBilling(this.deps.audit, tx, caller, {
        action: 'invoice-create',
        resourceType: 'Invoice',
        resourceId: stored.id!,
        patientId: patientIdOf(stored),
      });
      if (input.issue) await this.issued(caller, tx, stored);
      return stored;
    });
  }

  /** Issues a draft: from here on it is immutable. */
  async issue(caller: BillingCaller, id: string): Promise<Invoice> {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const invoice = await this.read({ ...caller.ctx, tx }, id);
      if (invoice.status !== 'draft') throw billingErrors.conflict(`The invoice is ${invoice.status}, not a draft`);
      const { resource } = await this.deps.repository.update(
        { ...caller.ctx, tx },
        'Invoice',
        id,
        { ...invoice, status: 'issued', date: this.deps.now().toISOString() },
        { ifMatch: `W/"${invoice.meta?.versionId}"` },
      );
      await this.issued(caller, tx, resource as Invoice);
      return resource as Invoice;
    });
  }

  /** The ledger entry, charge statuses, audit and event of an invoice being issued. */
  private async issued(caller: BillingCaller, tx: Queryable, invoice: Invoice): Promise<void> {
    const ctx = { ...caller.ctx, tx };
    const money = invoiceMoney(invoice);
    const patient = invoice.subject!.reference!;
    const creditNote = isCreditNote(invoice);
    const lines: PostingLine[] = [
      { account: 'patient-ar', party: patient, amount: money.total },
      { account: 'discounts', amount: money.discount },
      { account: 'tax-payable', amount: -money.tax },
    ];
    for (const line of money.lines) {
      // Charges entered through Meridian were posted as unbilled revenue; others are recognised now.
      const posted =
        !creditNote && line.charge
          ? await this.deps.ledger.hasEntry(tx, caller.ctx.tenantId, line.charge, 'charge')
          : false;
      lines.push({ account: posted ? 'unbilled-ar' : 'revenue', amount: -line.gross });
    }
    await this.deps.ledger.post(tx, caller.ctx.tenantId, {
      kind: creditNote ? 'credit-note' : 'invoice',
      occurredAt: invoice.date ?? this.deps.now().toISOString(),
      currency: money.currency,
      source: `Invoice/${invoice.id}`,
      recordedBy: recorderOf(caller.actor),
      lines: mergeLines(lines),
    });
    if (!creditNote) {
      for (const line of money.lines) {
        const charge = (await this.deps.repository.read(
          ctx,
          'ChargeItem',
          line.charge!.slice('ChargeItem/'.length),
        )) as ChargeItem;
        if (charge.status !== 'billable')
          throw billingErrors.conflict(`${line.charge} is ${charge.status}, no longer billable`);
        await this.deps.repository.update(
          ctx,
          'ChargeItem',
          charge.id!,
          { ...charge, status: 'billed' },
          {
            ifMatch: `W/"${charge.meta?.versionId}"`,
          },
        );
      }
    }
    await auditBilling(this.deps.audit, tx, caller, {
      action: creditNote ? 'credit-note-issue' : 'invoice-issue',
      resourceType: 'Invoice',
      resourceId: invoice.id!,
      patientId: patientIdOf(invoice),
    });
    await this.deps.events?.publish(tx, caller.ctx.tenantId, {
      type: 'invoice.issued',
      version: 1,
      aggregate: { type: 'Invoice', id: invoice.id! },
      data: {
        invoiceId: invoice.id,
        patientId: patientIdOf(invoice),
        kind: creditNote ? 'credit-note' : 'invoice',
        total: money.total,
        currency: money.currency,
      },
    });
  }

  /** Credits all or some lines of an issued invoice with a new, issued credit note (negative amounts). */
  async creditNote(caller: BillingCaller, id: string, input: z.output<typeof creditNoteBody>): Promise<Invoice> {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const ctx = { ...caller.ctx, tx };
      const original = await this.read(ctx, id);
      if (original.status !== 'issued' && original.status !== 'balanced') {
        throw billingErrors.conflict(`Only an issued invoice can be credited (this one is ${original.status})`);
      }
      if (isCreditNote(original)) throw billingErrors.conflict('A credit note cannot itself be credited');
      const wanted = input.charges?.map((charge) => `ChargeItem/${charge}`);
      const items = (original.lineItem ?? []).filter(
        (item) => !wanted || wanted.includes(item.chargeItemReference?.reference ?? ''),
      );
      if (wanted && items.length !== wanted.length) {
        throw billingErrors.invalidRequest('charges: a charge named is not on this invoice', 'charges');
      }
      const already = await this.creditedCharges(ctx, id, original.subject!.reference!);
      const twice = items.find((item) => already.has(item.chargeItemReference?.reference ?? ''));
      if (twice) throw billingErrors.conflict(`${twice.chargeItemReference?.reference} is already credited`, 'charges');
      const negate = (item: InvoiceLineItem, sequence: number): InvoiceLineItem => ({
        sequence,
        ...(item.chargeItemReference ? { chargeItemReference: item.chargeItemReference } : {}),
        priceComponent: (item.priceComponent ?? []).map((component) => ({
          ...component,
          ...(component.amount
            ? { amount: { ...component.amount, value: negateMoney(component.amount.value ?? 0) } }
            : {}),
        })),
      });
      const lineItem = items.map((item, index) => negate(item, index + 1));
      const currency = original.totalGross?.currency ?? 'USD';
      const sumOf = (types: string[]) =>
        lineItem.reduce(
          (total, item) =>
            total +
            (item.priceComponent ?? [])
              .filter((component) => types.includes(component.type))
              .reduce(
                (sum, component) =>
                  sum +
                  (toMinor(component.amount?.value ?? 0, currency) ?? 0) * (component.type === 'discount' ? -1 : 1),
                0,
              ),
          0,
        );
      const net = sumOf(['base', 'discount']);
      const total = net + sumOf(['tax']);
      const note: Invoice = {
        resourceType: 'Invoice',
        status: 'issued',
        type: { coding: [{ system: INVOICE_TYPE_SYSTEM, code: 'credit-note' }] },
        extension: [{ url: CREDIT_NOTE_OF_EXTENSION, valueReference: { reference: `Invoice/${id}` } }],
        subject: original.subject!,
        recipient: { reference: original.subject!.reference! },
        date: this.deps.now().toISOString(),
        lineItem,
        totalNet: { value: fromMinor(net, currency), currency: currency as 'USD' },
        totalGross: { value: fromMinor(total, currency), currency: currency as 'USD' },
        note: [{ text: input.reason }],
      };
      const stored = (await this.deps.repository.create(ctx, note)) as Invoice;
      await this.issued(caller, tx, stored);
      return stored;
    });
  }

  private async creditedCharges(ctx: FhirContext, invoiceId: string, patient: string): Promise<Set<string>> {
    const bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'Invoice',
        params: [
          ['subject', patient],
          ['_count', '1000'],
        ],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    const credited = new Set<string>();
    for (const entry of bundle.entry ?? []) {
      const invoice = entry.resource as Invoice;
      const of = invoice?.extension?.find((extension) => extension.url === CREDIT_NOTE_OF_EXTENSION);
      if (of?.valueReference?.reference !== `Invoice/${invoiceId}`) continue;
      for (const item of invoice.lineItem ?? [])
        if (item.chargeItemReference?.reference) credited.add(item.chargeItemReference.reference);
    }
    return credited;
  }

  async read(ctx: FhirContext, id: string): Promise<Invoice> {
    try {
      return (await this.deps.repository.read(ctx, 'Invoice', id)) as Invoice;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410))
        throw billingErrors.notFound(`Invoice/${id}`);
      throw error;
    }
  }
}

function negateMoney(value: number): number {
  return value === 0 ? 0 : -value;
}

export function isCreditNote(invoice: Invoice): boolean {
  return (
    invoice.type?.coding?.some((coding) => coding.system === INVOICE_TYPE_SYSTEM && coding.code === 'credit-note') ??
    false
  );
}

export function patientIdOf(resource: { subject?: { reference?: string } }): string | undefined {
  const reference = resource.subject?.reference;
  return reference?.startsWith('Patient/') ? reference.slice('Patient/'.length) : undefined;
}

/** Lines on the same account and party become one; zero lines are dropped. */
function mergeLines(lines: PostingLine[]): PostingLine[] {
  const merged = new Map<string, PostingLine>();
  for (const line of lines) {
    const key = `${line.account}|${line.party ?? ''}`;
    const existing = merged.get(key);
    if (existing) existing.amount += line.amount;
    else merged.set(key, { ...line });
  }
  return [...merged.values()].filter((line) => line.amount !== 0);
}

/** A FHIR Invoice of charges, with each line's base, discount and tax and the computed totals. */
export function invoiceOf(input: {
  patient: string;
  currency: string;
  date: string;
  status: 'draft' | 'issued';
  lines: { charge: ChargeItem; input: LineInput }[];
}): Invoice {
  const totals = invoiceTotals(input.lines.map((line) => line.input));
  const money = (minor: number) => ({ value: fromMinor(minor, input.currency), currency: input.currency as 'USD' });
  return {
    resourceType: 'Invoice',
    status: input.status,
    type: { coding: [{ system: INVOICE_TYPE_SYSTEM, code: 'invoice' }] },
    subject: { reference: input.patient },
    recipient: { reference: input.patient },
    date: input.date,
    lineItem: input.lines.map((line, index) => {
      const computed = totals.lines[index]!;
      return {
        sequence: index + 1,
        chargeItemReference: { reference: `ChargeItem/${line.charge.id}` },
        priceComponent: [
          { type: 'base', factor: Number(line.input.quantity), amount: money(computed.gross) },
          ...(computed.discount ? [{ type: 'discount' as const, amount: money(computed.discount) }] : []),
          ...(computed.tax
            ? [
                {
                  type: 'tax' as const,
                  code: { coding: [{ system: TAX_CODE_SYSTEM, code: 'tax' }] },
                  factor: Number(line.input.taxRate),
                  amount: money(computed.tax),
                },
              ]
            : []),
        ],
      };
    }),
    totalNet: money(totals.net),
    totalGross: money(totals.total),
  };
}
