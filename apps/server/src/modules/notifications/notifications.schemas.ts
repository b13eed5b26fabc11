import { z } from 'zod';
import { notificationsErrors } from './notifications.errors';
import { CHANNELS, NOTIFICATION_KINDS } from './notifications.templates';

export const inboxQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

export const deliveriesQuery = z.object({
  about: z
    .string()
    .regex(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/, 'must be a reference such as Appointment/<id>')
    .optional(),
  status: z.enum(['queued', 'sent', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const templateKey = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  channel: z.enum(CHANNELS),
  language: z.string().regex(/^[a-z]{2,3}$/, 'must be a language code such as en or es'),
});

export const templateBody = z.object({
  subject: z.string().trim().min(1).max(300),
  body: z.string().min(1).max(10_000),
});

export const notificationId = z.uuid();
export const patientId = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id');

export const preferencesBody = z
  .object({ email: z.boolean(), sms: z.boolean(), 'in-app': z.boolean() })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'name at least one channel (email, sms, in-app)');

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw notificationsErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
