import { z } from 'zod';
import { vitalsErrors } from './vitals.errors';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

const encounterReference = z
  .string()
  .trim()
  .transform((value, context) => {
    const id = value.startsWith('Encounter/') ? value.slice('Encounter/'.length) : value;
    if (!ID.test(id)) {
      context.addIssue({ code: 'custom', message: 'must be an Encounter reference (Encounter/<id>)' });
      return z.NEVER;
    }
    return `Encounter/${id}`;
  });

const finite = z.number().finite();

export const measurementBody = z.object({
  type: z.string().trim().min(1).max(100).optional(),
  code: z.string().trim().min(1).max(100).optional(),
  value: finite.optional(),
  unit: z.string().trim().min(1).max(50).optional(),
  systolic: finite.optional(),
  diastolic: finite.optional(),
});

export const recordVitalsBody = z.object({
  encounter: encounterReference.optional(),
  effective: z.iso.datetime({ offset: true }).optional(),
  measurements: z.array(measurementBody).min(1).max(30),
});

/** A FHIR date or dateTime: the search's own prefixes are added by the service. */
const searchDate = z
  .string()
  .regex(/^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/, 'must be a date or dateTime');

export const trendQuery = z.object({
  code: z.string().trim().min(1).max(100),
  from: searchDate.optional(),
  to: searchDate.optional(),
});

export const patientId = z.string().regex(ID, 'must be a Patient id');

export function parseVitalsInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw vitalsErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
