import { z } from 'zod';
import { subscriptionsErrors } from './subscriptions.errors';

const eventType = z
  .string()
  .regex(
    /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?)$/,
    'must be an event type (appointment.booked), a family (appointment.*) or *',
  );

export const createWebhookBody = z
  .object({
    url: z
      .url()
      .max(2000)
      .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL'),
    eventTypes: z.array(eventType).min(1).max(50),
    description: z.string().trim().max(200).optional(),
  })
  .strict();

export const webhookId = z.uuid();
export const deliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw subscriptionsErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
