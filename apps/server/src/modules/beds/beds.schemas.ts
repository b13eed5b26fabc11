import { z } from 'zod';
import { bedErrors } from './beds.errors';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** An id, or a reference `<Type>/<id>`: both answer the bare id. */
function idOf(type: string) {
  return z
    .string()
    .trim()
    .transform((value, context) => {
      const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
      if (!ID.test(id)) {
        context.addIssue({ code: 'custom', message: `must be a ${type} id or reference (${type}/<id>)` });
        return z.NEVER;
      }
      return id;
    });
}

const name = z.string().trim().min(1).max(200);

export const roomBody = z.object({
  name,
  /** Bed names, or how many beds to make (named 1, 2, ...). */
  beds: z
    .union([z.array(name).max(100), z.number().int().min(0).max(100)])
    .default([])
    .transform((beds) =>
      typeof beds === 'number' ? Array.from({ length: beds }, (_, index) => `${index + 1}`) : beds,
    ),
});
export type RoomInput = z.output<typeof roomBody>;

export const createWardBody = z.object({
  name,
  description: z.string().trim().min(1).max(1000).optional(),
  rooms: z.array(roomBody).max(200).default([]),
});
export type CreateWardInput = z.output<typeof createWardBody>;

export const bedBody = z.object({ name });

export const admitBody = z.object({
  patient: idOf('Patient'),
  bed: idOf('Location'),
  /** An existing visit of the patient (from the emergency department, say); otherwise a new inpatient stay. */
  encounter: idOf('Encounter').optional(),
});

export const transferBody = z.object({ bed: idOf('Location') });

export const blockBody = z.object({ reason: z.string().trim().min(1).max(500) });

export const boardQuery = z.object({ ward: idOf('Location').optional() });

const instant = z.iso.datetime({ offset: true });
export const statsQuery = z
  .object({ from: instant.optional(), to: instant.optional() })
  .refine((query) => (query.from === undefined) === (query.to === undefined), {
    message: 'give both from and to, or neither',
    path: ['to'],
  });

export function parseBody<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw bedErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}

/** A path's `:id` (a Location, or for stays an Encounter): its own id pattern, named `id` when wrong. */
export const idParam = z.object({ id: z.string().regex(ID, 'must be a resource id') });
