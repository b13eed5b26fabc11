import { z } from 'zod';
import { LATERALITY } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export const resourceId = z.string().regex(ID, 'must be a resource id');

/** A reference to a `type` resource: `Type/id` or a bare id, normalised to `Type/id`. */
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

/** A FHIR date or dateTime (a time needs its offset): `2024-03`, `2024-03-01`, `2024-03-01T09:30:00Z`. */
export const fhirDateTime = z
  .string()
  .trim()
  .regex(
    /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/,
    'must be a date (2024-03-01) or a date and time with offset (2024-03-01T09:30:00Z)',
  );

export const fhirDate = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date (2024-03-01)');

const text = (max = 1000) => z.string().trim().min(1).max(max);

/**
 * A coded value or free text: `"knee pain"`, or `{ system, code, display?, text? }` where system is a URI
 * or a short name (icd-10-cm, snomed, cvx, rxnorm, unii, cpt, hcpcs, loinc).
 */
export const codedInput = z.union([
  text(),
  z
    .object({
      system: z.string().trim().min(1).max(200).optional(),
      code: z.string().trim().min(1).max(64).optional(),
      display: text(500).optional(),
      text: text().optional(),
    })
    .refine((value) => value.code || value.text, { message: 'needs a code or a text' })
    .refine((value) => !value.code || value.system, { message: 'a code needs its system', path: ['system'] }),
]);
export type CodedInput = z.infer<typeof codedInput>;

export const laterality = z.enum(Object.keys(LATERALITY) as [keyof typeof LATERALITY]);

export const bodySiteInput = z.object({
  site: codedInput,
  laterality: laterality.optional(),
});
export type BodySiteInput = z.infer<typeof bodySiteInput>;

export const note = text(10_000);

export const enteredInErrorBody = z.object({ reason: text(2000) });

/** A comma-separated list of statuses in a query, each one of `allowed`. */
export function statusList<T extends readonly [string, ...string[]]>(allowed: T) {
  return z
    .string()
    .trim()
    .transform((value, context) => {
      const statuses = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const wrong = statuses.find((status) => !allowed.includes(status));
      if (wrong || !statuses.length) {
        context.addIssue({ code: 'custom', message: `must be one or more of ${allowed.join(', ')}` });
        return z.NEVER;
      }
      return statuses as T[number][];
    });
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw clinicalListErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
