import { z } from 'zod';
import { noteErrors } from './note.errors';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

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

const sectionText = z.string().max(100_000);
const sections = z.record(z.string().min(1).max(64), sectionText);

export const createNoteBody = z.object({
  template: z.string().min(1).max(64),
  patient: referenceTo('Patient'),
  encounter: referenceTo('Encounter').optional(),
  title: z.string().trim().min(1).max(500).optional(),
  sections: sections.default({}),
});

export const editNoteBody = z.object({
  title: z.string().trim().min(1).max(500).optional(),
  sections: sections.optional(),
});

export const addendumBody = z.object({
  text: z.string().trim().min(1).max(100_000),
  title: z.string().trim().min(1).max(500).optional(),
});

export const listNotesQuery = z.object({
  patient: referenceTo('Patient').optional(),
  encounter: referenceTo('Encounter').optional(),
});

export function parseNoteInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw noteErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
