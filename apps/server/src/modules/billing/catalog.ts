import { randomUUID } from 'node:crypto';
import type { Bundle, ChargeItemDefinition, ChargeItemDefinitionPropertyGroupPriceComponent } from '@medplum/fhirtypes';
import { z } from 'zod';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import { billingErrors } from './billing.errors';
import { currency, isoDate, minorAmount } from './billing.schemas';
import { fromMinor, parseDecimal, toMinor } from './money';

/** Code systems of billable services. CPT is the AMA's: only for tenants that hold a license. */
export const SERVICE_CODE_SYSTEMS = {
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  cpt: 'http://www.ama-assn.org/go/cpt',
  tenant: 'https://meridian.health/fhir/CodeSystem/service',
} as const;
export const PRICE_LIST_SYSTEM = 'https://meridian.health/fhir/CodeSystem/price-list';
export const TAX_SYSTEM = 'https://meridian.health/fhir/CodeSystem/tax';
export const SELF_PAY = 'self-pay';

const CODE_FORMATS: Record<keyof typeof SERVICE_CODE_SYSTEMS, RegExp> = {
  // HCPCS Level II: a letter and four digits (A0021, J1100, G0439).
  hcpcs: /^[A-V]\d{4}$/,
  // CPT: five digits, or four digits and F (performance) or T (emerging technology).
  cpt: /^\d{4}[\dFT]$/,
  tenant: /^[A-Za-z0-9][A-Za-z0-9.\-_]{0,39}$/,
};

/** `self-pay`, or `payer:<Organization id>` for an insurer's negotiated prices. */
const priceList = z
  .string()
  .regex(/^(self-pay|payer:[A-Za-z0-9\-.]{1,64})$/, "must be 'self-pay' or 'payer:<Organization id>'");

export const catalogEntryBody = z
  .object({
    code: z.object({
      system: z.enum(['hcpcs', 'cpt', 'tenant']),
      code: z.string().trim(),
      display: z.string().trim().min(1).max(200).optional(),
    }),
    title: z.string().trim().min(1).max(200),
    prices: z
      .array(z.object({ list: priceList, amount: minorAmount, currency }))
      .min(1)
      .max(50),
    tax: z
      .object({
        code: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
        rate: z
          .string()
          .regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, 'must be a decimal rate between 0 and 1, e.g. "0.0825"'),
      })
      .optional(),
    validFrom: isoDate,
    validTo: isoDate.optional(),
    status: z.enum(['active', 'retired']).default('active'),
  })
  .superRefine((body, context) => {
    if (!CODE_FORMATS[body.code.system].test(body.code.code)) {
      context.addIssue({
        code: 'custom',
        path: ['code', 'code'],
        message: `is not a ${body.code.system.toUpperCase()} code`,
      });
    }
    if (body.validTo && body.validTo < body.validFrom) {
      context.addIssue({ code: 'custom', path: ['validTo'], message: 'is before validFrom' });
    }
    const seen = new Set<string>();
    body.prices.forEach((price, index) => {
      const key = `${price.list}|${price.currency}`;
      if (seen.has(key)) context.addIssue({ code: 'custom', path: ['prices', index], message: 'repeats a price list' });
      seen.add(key);
    });
  });
export type CatalogEntryInput = z.output<typeof catalogEntryBody>;

export function chargeItemDefinitionOf(input: CatalogEntryInput, url: string, id?: string): ChargeItemDefinition {
  const base: ChargeItemDefinitionPropertyGroupPriceComponent[] = input.prices.map((price) => ({
    type: 'base',
    code: { coding: [{ system: PRICE_LIST_SYSTEM, code: price.list }] },
    amount: { value: fromMinor(price.amount, price.currency), currency: price.currency as 'USD' },
  }));
  return {
    resourceType: 'ChargeItemDefinition',
    ...(id ? { id } : {}),
    url,
    status: input.status,
    title: input.title,
    code: {
      coding: [
        {
          system: SERVICE_CODE_SYSTEMS[input.code.system],
          code: input.code.code,
          ...(input.code.display ? { display: input.code.display } : {}),
        },
      ],
    },
    effectivePeriod: { start: input.validFrom, ...(input.validTo ? { end: input.validTo } : {}) },
    propertyGroup: [
      { priceComponent: base },
      ...(input.tax
        ? [
            {
              priceComponent: [
                {
                  type: 'tax' as const,
                  code: { coding: [{ system: TAX_SYSTEM, code: input.tax.code }] },
                  factor: Number(input.tax.rate),
                },
              ],
            },
          ]
        : []),
    ],
  };
}

export interface Price {
  definition: string;
  list: string;
  unitPrice: number;
  currency: string;
  /** Decimal text, e.g. "0.0825"; "0" when untaxed. */
  taxRate: string;
  taxCode?: string | undefined;
}

/** The unit price of a service on a price list at a date; an insurer's list falls back to self-pay. */
export function priceOf(definition: ChargeItemDefinition, list: string, date: string): Price | undefined {
  const day = date.slice(0, 10);
  const period = definition.effectivePeriod;
  if (definition.status !== 'active') return undefined;
  if (period?.start && day < period.start.slice(0, 10)) return undefined;
  if (period?.end && day > period.end.slice(0, 10)) return undefined;
  const components = (definition.propertyGroup ?? []).flatMap((group) => group.priceComponent ?? []);
  const baseFor = (code: string) =>
    components.find(
      (component) =>
        component.type === 'base' &&
        component.code?.coding?.some((coding) => coding.system === PRICE_LIST_SYSTEM && coding.code === code),
    );
  const chosen = baseFor(list) ? list : SELF_PAY;
  const base = baseFor(chosen);
  if (!base?.amount?.currency || base.amount.value === undefined) return undefined;
  const unitPrice = toMinor(base.amount.value, base.amount.currency);
  if (unitPrice === undefined) return undefined;
  const tax = components.find((component) => component.type === 'tax');
  const rate = tax?.factor !== undefined ? parseDecimal(tax.factor) : undefined;
  return {
    definition: definition.url,
    list: chosen,
    unitPrice,
    currency: base.amount.currency,
    taxRate: rate ? decimalText(tax!.factor!) : '0',
    taxCode: tax?.code?.coding?.[0]?.code,
  };
}

function decimalText(value: number): string {
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(12).replace(/0+$/, '') : text;
}

const SEARCH_BASE = 'urn:meridian:billing';

/** The service catalog: FHIR ChargeItemDefinitions, one per service, with prices per price list. */
export class CatalogService {
  constructor(private readonly deps: { repository: FhirRepository; search: SearchService }) {}

  async create(ctx: FhirContext, input: CatalogEntryInput): Promise<ChargeItemDefinition> {
    const url = `urn:uuid:${randomUUID()}`;
    return (await this.deps.repository.create(ctx, chargeItemDefinitionOf(input, url))) as ChargeItemDefinition;
  }

  /** Replaces an entry's prices, dates or status; its url (what charges point at) stays. */
  async update(ctx: FhirContext, id: string, input: CatalogEntryInput): Promise<ChargeItemDefinition> {
    const current = await this.read(ctx, id);
    const next = chargeItemDefinitionOf(input, current.url, id);
    return (await this.deps.repository.update(ctx, 'ChargeItemDefinition', id, next)).resource as ChargeItemDefinition;
  }

  async read(ctx: FhirContext, id: string): Promise<ChargeItemDefinition> {
    try {
      return (await this.deps.repository.read(ctx, 'ChargeItemDefinition', id)) as ChargeItemDefinition;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw billingErrors.notFound(`ChargeItemDefinition/${id}`);
      }
      throw error;
    }
  }

  async list(ctx: FhirContext, query: { code?: string | undefined }): Promise<ChargeItemDefinition[]> {
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'ChargeItemDefinition', params: [['_count', '500']], handling: 'strict' },
      SEARCH_BASE,
    );
    const found = (bundle.entry ?? []).map((entry) => entry.resource as ChargeItemDefinition);
    return query.code
      ? found.filter((definition) => definition.code?.coding?.some((coding) => coding.code === query.code))
      : found;
  }
}
