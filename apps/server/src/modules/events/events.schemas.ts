import { z } from 'zod';
import { eventsErrors } from './events.errors';

export const eventsQuery = z.object({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9.-]*$/, 'an event type such as encounter.finished')
    .optional(),
  aggregate: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]*(\/[A-Za-z0-9\-.]{1,64})?$/, 'an aggregate type or Type/id (Encounter/123)')
    .optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const deadLettersQuery = z.object({
  subscriber: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'a subscriber name')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const deadLetterId = z.uuid('a dead letter id (UUID)');

export function parseEventsInput<T extends z.ZodType>(schema: T, input: unknown, fallbackPath = 'query'): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? issue.path.join('.') : fallbackPath;
  throw eventsErrors.invalidQuery(`${path}: ${issue.message}`, path);
}
