import { z } from 'zod';
import { billingErrors } from './billing.errors';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** `Type/<id>` or a bare id, normalised to `Type/<id>`. */
export function referenceTo(type: string) {
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

export const resourceId = z.string().regex(ID, 'must be a resource id');
export const currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD');
/** Integer minor units (cents), positive. */
export const minorAmount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const instant = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();

export const writeOffBody = z.object({
  patient: resourceId,
  amount: minorAmount,
  currency,
  reason: z.string().trim().min(1).max(500),
});

export const agingQuery = z.object({ asOf: instant.optional() });
export const dailyCashQuery = z.object({
  date: isoDate,
  timeZone: z
    .string()
    .default('UTC')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/Chicago'),
});
export const entriesQuery = z.object({
  source: z.string().max(200).optional(),
  party: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function parseBillingInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw billingErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
