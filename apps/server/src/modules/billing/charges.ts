import type { Bundle, ChargeItem, ChargeItemDefinition, Encounter, Extension } from '@medplum/fhirtypes';
import { z } from 'zod';
import { type FhirContext, type FhirRepository, readReferenced, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import { auditBilling, type BillingCaller, recorderOf } from './billing.context';
import { billingErrors } from './billing.errors';
import { instant, referenceTo, resourceId } from './billing.schemas';
import { type Price, priceOf, SELF_PAY } from './catalog';
import type { LedgerStore } from './ledger.store';
import { fromMinor, parseDecimal, roundHalfEven, toMinor } from './money';

export const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const MODIFIER_SYSTEM = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/modifier';
export const MODIFIER_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/charge-modifier';
export const TAX_RATE_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/charge-tax-rate';
export const PRICE_LIST_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/charge-price-list';
export const APPOINTMENT_IDENTIFIER = 'https://meridian.health/fhir/sid/appointment';

export const serviceLine = z.object({
  service: resourceId,
  quantity: z
    .union([z.number(), z.string()])
    .default(1)
    .refine((value) => {
      const parsed = parseDecimal(value);
      return parsed !== undefined && parsed.n > 0n && parsed.d <= 1000n;
    }, 'must be a positive number with at most three decimals'),
  diagnoses: z
    .array(z.string().regex(/^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$/, 'must be an ICD-10-CM code such as J20.9'))
    .max(12)
    .default([]),
  modifiers: z
    .array(z.string().regex(/^[A-Z0-9]{2}$/, 'must be a two-character modifier such as 25'))
    .max(4)
    .default([]),
  occurrence: instant.optional(),
});
export const chargeBody = serviceLine.extend({
  patient: referenceTo('Patient'),
  encounter: referenceTo('Encounter').optional(),
  priceList: z
    .string()
    .regex(/^(self-pay|payer:[A-Za-z0-9\-.]{1,64})$/)
    .default(SELF_PAY),
  provisional: z.boolean().default(false),
});
export const encounterChargesBody = z.object({
  priceList: z
    .string()
    .regex(/^(self-pay|payer:[A-Za-z0-9\-.]{1,64})$/)
    .default(SELF_PAY),
  services: z.array(serviceLine).min(1).max(100),
});
export const voidBody = z.object({ reason: z.string().trim().min(1).max(500) });

export type ChargeInput = z.output<typeof chargeBody>;

/** Price × quantity, rounded half-even to minor units. */
export function grossOf(unitPrice: number, quantity: number | string): number {
  const q = parseDecimal(quantity)!;
  return Number(roundHalfEven(BigInt(unitPrice) * q.n, q.d));
}

export function chargeMoney(charge: ChargeItem) {
  const price = charge.priceOverride;
  const currency = price?.currency ?? 'USD';
  const unitPrice = price?.value !== undefined ? (toMinor(price.value, currency) ?? 0) : 0;
  const quantity = charge.quantity?.value ?? 1;
  const taxRate = charge.extension?.find((extension) => extension.url === TAX_RATE_EXTENSION)?.valueDecimal;
  return {
    unitPrice,
    currency,
    quantity,
    gross: grossOf(unitPrice, quantity),
    taxRate: taxRate !== undefined ? String(taxRate) : '0',
  };
}

const SEARCH_BASE = 'urn:meridian:billing';

/**
 * Charges (FHIR ChargeItem): priced from the catalog when entered, so later price changes do not move
 * them. A billable charge posts unbilled revenue to the ledger; a provisional one (from a booked
 * appointment) posts nothing until it is confirmed.
 */
export class ChargesService {
  constructor(
    private readonly deps: {
      repository: FhirRepository;
      search: SearchService;
      audit: AuditService;
      ledger: LedgerStore;
      now: () => Date;
    },
  ) {}

  async create(caller: BillingCaller, input: ChargeInput, extra: { appointment?: string } = {}): Promise<ChargeItem> {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const inTx = { ...caller.ctx, tx };
      await this.mustExist(inTx, 'patient', input.patient);
      if (input.encounter) {
        const encounter = await this.encounter(inTx, input.encounter);
        if (encounter.subject?.reference !== input.patient) {
          throw billingErrors.conflict('encounter: the encounter is of another patient', 'encounter');
        }
      }
      return this.createIn(caller, tx, input, 'service', extra);
    });
  }

  /** Charges for services rendered at a visit, all or none. */
  async fromEncounter(caller: BillingCaller, encounterId: string, input: z.output<typeof encounterChargesBody>) {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const encounter = await this.encounter({ ...caller.ctx, tx }, `Encounter/${encounterId}`);
      const patient = encounter.subject?.reference;
      if (!patient?.startsWith('Patient/')) throw billingErrors.conflict('The encounter has no patient');
      const created: ChargeItem[] = [];
      for (const [index, service] of input.services.entries()) {
        created.push(
          await this.createIn(
            caller,
            tx,
            {
              ...service,
              occurrence: service.occurrence ?? encounter.period?.start,
              patient,
              encounter: `Encounter/${encounterId}`,
              priceList: input.priceList,
              provisional: false,
            },
            `services.${index}.service`,
          ),
        );
      }
      return created;
    });
  }

  private async createIn(
    caller: BillingCaller,
    tx: Queryable,
    input: ChargeInput,
    path: string,
    extra: { appointment?: string } = {},
  ): Promise<ChargeItem> {
    const inTx = { ...caller.ctx, tx };
    const occurrence = input.occurrence ?? this.deps.now().toISOString();
    const definition = (await this.mustExist(
      inTx,
      path,
      `ChargeItemDefinition/${input.service}`,
    )) as ChargeItemDefinition;
    const price = priceOf(definition, input.priceList, occurrence);
    if (!price)
      throw billingErrors.noPrice(path, `no active price for ${input.priceList} on ${occurrence.slice(0, 10)}`);
    const charge = chargeItemOf(input, definition, price, occurrence, this.deps.now().toISOString(), extra);
    const stored = (await this.deps.repository.create(inTx, charge)) as ChargeItem;
    if (stored.status === 'billable') await this.postCharge(caller, tx, stored, 1);
    await auditBilling(this.deps.audit, tx, caller, {
      action: input.provisional ? 'charge-provisional' : 'charge-create',
      resourceType: 'ChargeItem',
      resourceId: stored.id!,
      patientId: input.patient.slice('Patient/'.length),
    });
    return stored;
  }

  /** A provisional charge becomes billable (the visit happened), optionally tied to its encounter. */
  async confirm(caller: BillingCaller, id: string, encounter?: string): Promise<ChargeItem> {
    return this.change(caller, id, 'charge-confirm', async (charge, tx) => {
      if (charge.status !== 'planned')
        throw billingErrors.conflict(`Only a provisional charge can be confirmed (this one is ${charge.status})`);
      const next: ChargeItem = {
        ...charge,
        status: 'billable',
        ...(encounter ? { context: { reference: encounter } } : {}),
      };
      const stored = await this.write(caller, tx, next);
      await this.postCharge(caller, tx, stored, 1);
      return stored;
    });
  }

  /** Voids a charge not yet invoiced; a billable one's revenue is reversed in the ledger. */
  async void(caller: BillingCaller, id: string, reason: string): Promise<ChargeItem> {
    return this.change(caller, id, 'charge-void', async (charge, tx) => {
      if (charge.status === 'billed')
        throw billingErrors.conflict('The charge is invoiced: correct it with a credit note');
      if (charge.status !== 'planned' && charge.status !== 'billable') {
        throw billingErrors.conflict(`The charge is already ${charge.status}`);
      }
      const next: ChargeItem = {
        ...charge,
        status: charge.status === 'planned' ? 'not-billable' : 'entered-in-error',
        note: [...(charge.note ?? []), { text: `Voided: ${reason}`, time: this.deps.now().toISOString() }],
      };
      const stored = await this.write(caller, tx, next);
      if (charge.status === 'billable') await this.postCharge(caller, tx, charge, -1);
      return stored;
    });
  }

  async read(ctx: FhirContext, id: string): Promise<ChargeItem> {
    return (await this.mustExist(ctx, 'id', `ChargeItem/${id}`)) as ChargeItem;
  }

  /** Charges of an encounter or a patient, optionally of one status. */
  async list(
    ctx: FhirContext,
    filter: { encounter?: string; patient?: string; status?: string },
  ): Promise<ChargeItem[]> {
    const params: [string, string][] = [['_count', '1000']];
    if (filter.encounter) params.push(['context', filter.encounter]);
    if (filter.patient) params.push(['subject', filter.patient]);
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'ChargeItem', params, handling: 'strict' },
      SEARCH_BASE,
    );
    return (bundle.entry ?? [])
      .map((entry) => entry.resource as ChargeItem)
      .filter((charge) => charge?.resourceType === 'ChargeItem' && (!filter.status || charge.status === filter.status));
  }

  /** Provisional charges made for an appointment. */
  async forAppointment(ctx: FhirContext, appointmentId: string): Promise<ChargeItem[]> {
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'ChargeItem',
        params: [['identifier', `${APPOINTMENT_IDENTIFIER}|${appointmentId}`]],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    return (bundle.entry ?? [])
      .map((entry) => entry.resource as ChargeItem)
      .filter((c) => c?.resourceType === 'ChargeItem');
  }

  private async change(
    caller: BillingCaller,
    id: string,
    action: string,
    work: (charge: ChargeItem, tx: Queryable) => Promise<ChargeItem>,
  ): Promise<ChargeItem> {
    return this.deps.repository.inTransaction(caller.ctx, async (tx) => {
      const charge = await this.read({ ...caller.ctx, tx }, id);
      const stored = await work(charge, tx);
      await auditBilling(this.deps.audit, tx, caller, {
        action,
        resourceType: 'ChargeItem',
        resourceId: id,
        patientId: stored.subject?.reference?.slice('Patient/'.length),
        detail: `${charge.status} -> ${stored.status}`,
      });
      return stored;
    });
  }

  private async write(caller: BillingCaller, tx: Queryable, charge: ChargeItem): Promise<ChargeItem> {
    const { resource } = await this.deps.repository.update({ ...caller.ctx, tx }, 'ChargeItem', charge.id!, charge, {
      ifMatch: `W/"${charge.meta?.versionId}"`,
    });
    return resource as ChargeItem;
  }

  /** Unbilled revenue for a billable charge (sign 1), or its reversal (sign -1). */
  private async postCharge(caller: BillingCaller, tx: Queryable, charge: ChargeItem, sign: 1 | -1): Promise<void> {
    const { gross, currency } = chargeMoney(charge);
    if (gross === 0) return;
    await this.deps.ledger.post(tx, caller.ctx.tenantId, {
      kind: sign === 1 ? 'charge' : 'charge-void',
      occurredAt: this.deps.now().toISOString(),
      currency,
      source: `ChargeItem/${charge.id}`,
      recordedBy: recorderOf(caller.actor),
      lines: [
        { account: 'unbilled-ar', amount: sign * gross },
        { account: 'revenue', amount: -sign * gross },
      ],
    });
  }

  /**
   * The visit being charged. Read as the server: the billing desk bills visits without reading their
   * clinical content (only the patient, period and status are used).
   */
  private async encounter(ctx: FhirContext, reference: string): Promise<Encounter> {
    return (await this.mustExist(
      { tenantId: ctx.tenantId, ...(ctx.tx ? { tx: ctx.tx } : {}) },
      'encounter',
      reference,
    )) as Encounter;
  }

  private mustExist(ctx: FhirContext, path: string, reference: string) {
    return readReferenced(this.deps.repository, ctx, reference, () => billingErrors.referenceNotFound(path, reference));
  }
}

export function chargeItemOf(
  input: ChargeInput,
  definition: ChargeItemDefinition,
  price: Price,
  occurrence: string,
  entered: string,
  extra: { appointment?: string } = {},
): ChargeItem {
  const extension: Extension[] = [
    ...input.modifiers.map((code) => ({ url: MODIFIER_EXTENSION, valueCoding: { system: MODIFIER_SYSTEM, code } })),
    { url: TAX_RATE_EXTENSION, valueDecimal: Number(price.taxRate) },
    { url: PRICE_LIST_EXTENSION, valueCode: price.list },
  ];
  return {
    resourceType: 'ChargeItem',
    ...(extra.appointment ? { identifier: [{ system: APPOINTMENT_IDENTIFIER, value: extra.appointment }] } : {}),
    extension,
    status: input.provisional ? 'planned' : 'billable',
    code: definition.code!,
    subject: { reference: input.patient },
    ...(input.encounter ? { context: { reference: input.encounter } } : {}),
    occurrenceDateTime: occurrence,
    quantity: { value: Number(input.quantity) },
    priceOverride: { value: fromMinor(price.unitPrice, price.currency), currency: price.currency as 'USD' },
    overrideReason: `Price list ${price.list}`,
    enteredDate: entered,
    definitionCanonical: [definition.url],
    ...(input.diagnoses.length
      ? { reason: input.diagnoses.map((code) => ({ coding: [{ system: ICD10CM, code }] })) }
      : {}),
  };
}
