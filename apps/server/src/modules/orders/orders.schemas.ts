import type { CodeableConcept } from '@medplum/fhirtypes';
import { z } from 'zod';
import { MODALITIES, ORDER_KINDS, PRIORITIES, SPECIMEN_TYPES } from './orders.catalog';
import { ordersErrors } from './orders.errors';
import { ORDER_STATUSES } from './orders.state';
import { INTERPRETATION_CODES } from './results.interpret';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
export const resourceId = z.string().regex(ID, 'must be a resource id');

/** A reference to a `type` resource: `Type/id` or a bare id. Normalised to `Type/id`. */
function referenceTo(type: string) {
  return z
    .string()
    .trim()
    .transform((value, context) => {
      const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
      if (!ID.test(id)) {
        context.addIssue({ code: 'custom', message: `must be a ${type} reference (${type}/<id>)` });
        return z.NEVER;
      }
      return `${type}/${id}`;
    });
}

/** A coded reason or free text: `"chest pain"`, `{ "system", "code", "display" }` or `{ "coding", "text" }`. */
const codeable = z
  .union([
    z.string().trim().min(1).max(1000),
    z.object({
      system: z.string().url(),
      code: z.string().min(1).max(200),
      display: z.string().min(1).max(500).optional(),
      text: z.string().min(1).max(1000).optional(),
    }),
  ])
  .transform((value): CodeableConcept => {
    if (typeof value === 'string') return { text: value };
    const { text, ...single } = value;
    return { coding: [single], ...(text ? { text } : {}) };
  });

const coding = z.object({
  system: z.string().url(),
  code: z.string().trim().min(1).max(200),
  display: z.string().trim().min(1).max(500).optional(),
});

/** A code: a bare LOINC code (`"58410-2"`) or a coding with its system. */
const orderCode = z.union([
  z
    .string()
    .trim()
    .regex(/^[0-9]{1,7}-[0-9]$/, 'must be a LOINC code (e.g. 58410-2)'),
  coding,
]);

/** A reason reference: a Condition, Observation, DiagnosticReport or DocumentReference. */
const reasonReference = z
  .string()
  .trim()
  .regex(/^(Condition|Observation|DiagnosticReport|DocumentReference)\/[A-Za-z0-9\-.]{1,64}$/, {
    message: 'must be a Condition, Observation, DiagnosticReport or DocumentReference reference (Type/<id>)',
  });

export const createOrderBody = z
  .object({
    kind: z.enum(ORDER_KINDS),
    code: orderCode,
    display: z.string().trim().min(1).max(500).optional(),
    priority: z.enum(PRIORITIES).default('routine'),
    reason: z.union([codeable, z.array(codeable).max(20)]).optional(),
    reasonReference: z.array(reasonReference).max(20).optional(),
    encounter: referenceTo('Encounter').optional(),
    performer: z
      .string()
      .trim()
      .regex(/^(Practitioner|PractitionerRole|Organization)\/[A-Za-z0-9\-.]{1,64}$/, {
        message: 'must be a Practitioner, PractitionerRole or Organization reference',
      })
      .optional(),
    occurrence: z.iso.datetime({ offset: true }).optional(),
    note: z.string().trim().min(1).max(4000).optional(),
    /** Lab orders: the specimen to collect. */
    specimen: z
      .object({
        type: z.union([z.enum(Object.keys(SPECIMEN_TYPES) as [string, ...string[]]), coding]),
        note: z.string().trim().min(1).max(1000).optional(),
      })
      .optional(),
    /** Imaging orders: DICOM modality, body part (SNOMED CT) and laterality. */
    modality: z.enum(Object.keys(MODALITIES) as [string, ...string[]]).optional(),
    bodySite: z
      .union([
        z
          .string()
          .trim()
          .regex(/^[0-9]{6,18}$/, 'must be a SNOMED CT code'),
        coding,
      ])
      .optional(),
    laterality: z.enum(['left', 'right', 'bilateral']).optional(),
    /** Place the order at once (active) instead of as a draft. */
    activate: z.boolean().default(false),
  })
  .superRefine((order, context) => {
    if (order.kind === 'imaging') {
      if (!order.modality)
        context.addIssue({ code: 'custom', path: ['modality'], message: 'an imaging order needs a modality' });
      if (!order.bodySite)
        context.addIssue({ code: 'custom', path: ['bodySite'], message: 'an imaging order needs a body site' });
      if (order.specimen)
        context.addIssue({ code: 'custom', path: ['specimen'], message: 'imaging orders take no specimen' });
    } else {
      for (const field of ['modality', 'bodySite', 'laterality'] as const) {
        if (order[field]) context.addIssue({ code: 'custom', path: [field], message: 'only imaging orders have this' });
      }
    }
    if (order.laterality && !order.bodySite) {
      context.addIssue({ code: 'custom', path: ['laterality'], message: 'laterality qualifies a body site' });
    }
  });
export type CreateOrderInput = z.output<typeof createOrderBody>;

export const listOrdersQuery = z.object({
  status: z
    .string()
    .trim()
    .transform((value, context) => {
      const statuses = value.split(',').map((s) => s.trim());
      const bad = statuses.find((s) => !(ORDER_STATUSES as readonly string[]).includes(s));
      if (bad !== undefined) {
        context.addIssue({ code: 'custom', message: `'${bad}' is not an order status (${ORDER_STATUSES.join(', ')})` });
        return z.NEVER;
      }
      return statuses;
    })
    .optional(),
  kind: z.enum(ORDER_KINDS).optional(),
});

export const revokeBody = z.object({ reason: z.string().trim().min(1).max(1000).optional() });
export const enteredInErrorBody = z.object({ reason: z.string().trim().min(1).max(1000) });

const finite = z.number().finite();

export const analyteBody = z
  .object({
    code: orderCode,
    display: z.string().trim().min(1).max(500).optional(),
    value: finite.optional(),
    unit: z.string().trim().min(1).max(50).optional(),
    text: z.string().trim().min(1).max(4000).optional(),
    range: z
      .object({ low: finite.optional(), high: finite.optional(), text: z.string().trim().min(1).max(200).optional() })
      .refine((range) => range.low !== undefined || range.high !== undefined || range.text, {
        message: 'a range needs low, high or text',
      })
      .refine((range) => range.low === undefined || range.high === undefined || range.low <= range.high, {
        message: 'low must not be above high',
      })
      .optional(),
    interpretation: z.enum(INTERPRETATION_CODES).optional(),
  })
  .superRefine((analyte, context) => {
    if (analyte.value === undefined && !analyte.text) {
      context.addIssue({ code: 'custom', path: ['value'], message: 'give a value (with its unit) or a text' });
    }
    if (analyte.value !== undefined && analyte.text) {
      context.addIssue({ code: 'custom', path: ['text'], message: 'give a value or a text, not both' });
    }
  });

export const REPORT_STATUSES = ['preliminary', 'final', 'amended', 'corrected'] as const;

export const postResultsBody = z.object({
  status: z.enum(REPORT_STATUSES).default('final'),
  effective: z.iso.datetime({ offset: true }).optional(),
  issued: z.iso.datetime({ offset: true }).optional(),
  conclusion: z.string().trim().min(1).max(4000).optional(),
  performer: z
    .string()
    .trim()
    .regex(/^(Practitioner|PractitionerRole|Organization)\/[A-Za-z0-9\-.]{1,64}$/, {
      message: 'must be a Practitioner, PractitionerRole or Organization reference',
    })
    .optional(),
  analytes: z.array(analyteBody).min(1).max(200),
});
export type PostResultsInput = z.output<typeof postResultsBody>;
export type AnalyteInput = z.output<typeof analyteBody>;

export const inboxQuery = z.object({
  status: z.enum(['new', 'all']).default('all'),
});

export function parseOrdersInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw ordersErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
