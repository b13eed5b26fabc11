import { z } from 'zod';
import { isTimeZone, WEEKDAYS } from './scheduling.availability';
import { schedulingErrors } from './scheduling.errors';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A reference to a `type` resource: `Type/id` or a bare id. Normalised to the bare id. */
export function idOf(type: string) {
  return z
    .string()
    .trim()
    .transform((value, context) => {
      const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
      if (!ID.test(id)) {
        context.addIssue({ code: 'custom', message: `must be a ${type} reference (${type}/<id>)` });
        return z.NEVER;
      }
      return id;
    });
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:mm');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');
const localDateOrTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d)?$/,
    'must be a local date YYYY-MM-DD or date-time YYYY-MM-DDTHH:mm',
  );
const code = z.string().trim().min(1).max(100);

export const availabilityRule = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
    start: clock,
    end: clock,
    slotMinutes: z.number().int().min(5).max(480),
    visitTypes: z.array(z.uuid()).max(50).optional(),
    validFrom: localDate.optional(),
    validTo: localDate.optional(),
  })
  .refine((rule) => rule.end > rule.start, { message: 'end must be after start', path: ['end'] });

export const availabilityException = z
  .object({
    from: localDateOrTime,
    to: localDateOrTime,
    reason: z.enum(['holiday', 'leave', 'training', 'maintenance', 'other']).default('other'),
  })
  .refine((exception) => exception.to >= exception.from, { message: 'to must not be before from', path: ['to'] });

const timeZone = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' });

export const scheduleBody = z
  .object({
    practitioner: idOf('Practitioner').optional(),
    location: idOf('Location').optional(),
    device: idOf('Device').optional(),
    timeZone,
    specialties: z.array(code).max(20).default([]),
    overbook: z.number().int().min(0).max(20).default(0),
    horizonDays: z.number().int().min(1).max(400).default(90),
    availability: z.array(availabilityRule).max(50).default([]),
    exceptions: z.array(availabilityException).max(500).default([]),
    active: z.boolean().default(true),
  })
  .refine((body) => body.practitioner || body.location || body.device, {
    message: 'a schedule needs an actor: practitioner, location or device',
    path: ['practitioner'],
  });
export type ScheduleInput = z.output<typeof scheduleBody>;

export const availabilityBody = z.object({ availability: z.array(availabilityRule).max(50) });
export const exceptionsBody = z.object({ exceptions: z.array(availabilityException).max(500) });

export const visitTypeBody = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9\-_.]{1,64}$/, 'must be 1-64 letters, digits, - _ .'),
  name: z.string().trim().min(1).max(200),
  durationMinutes: z.number().int().min(5).max(1440),
  specialty: code.optional(),
  locationType: code.optional(),
  active: z.boolean().default(true),
});
export type VisitTypeInput = z.output<typeof visitTypeBody>;

const instant = z.iso.datetime({ offset: true });

export const slotQuery = z.object({
  practitioner: idOf('Practitioner').optional(),
  location: idOf('Location').optional(),
  device: idOf('Device').optional(),
  schedule: idOf('Schedule').optional(),
  specialty: code.optional(),
  visitType: z.uuid().optional(),
  from: instant,
  to: instant,
  count: z.coerce.number().int().min(1).max(1000).default(100),
});
export type SlotQuery = z.output<typeof slotQuery>;

export const bookBody = z.object({
  slot: idOf('Slot'),
  patient: idOf('Patient'),
  visitType: z.uuid().optional(),
  reason: z
    .object({ system: z.string().url().optional(), code: code, display: z.string().max(200).optional() })
    .optional(),
});
export type BookInput = z.output<typeof bookBody>;

export const rescheduleBody = z.object({ slot: idOf('Slot') });

/** Cancellation reasons of http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason (top level). */
export const CANCEL_REASONS = ['pat', 'prov', 'maint', 'meds', 'other', 'oth-err', 'oth-weath', 'prov-sched'] as const;
export const cancelBody = z.object({ reason: z.enum(CANCEL_REASONS) });

export const appointmentQuery = z.object({
  practitioner: idOf('Practitioner').optional(),
  patient: idOf('Patient').optional(),
  location: idOf('Location').optional(),
  date: localDate,
  view: z.enum(['day', 'week']).default('day'),
  timeZone: timeZone.default('UTC'),
});

export const settingsBody = z.object({
  /** How far ahead a patient may book, in days. */
  maxDaysAhead: z.number().int().min(1).max(730),
  /** How long before the start a patient may still book, in hours. */
  minNoticeHours: z.number().int().min(0).max(720),
  /** How long before the start a patient may still cancel or reschedule, in hours. */
  cancelCutoffHours: z.number().int().min(0).max(720),
  /** How long a waitlist offer stays open, in hours. */
  offerHours: z.number().int().min(1).max(168),
});
export type SchedulingSettings = z.output<typeof settingsBody>;
export const DEFAULT_SETTINGS: SchedulingSettings = {
  maxDaysAhead: 90,
  minNoticeHours: 2,
  cancelCutoffHours: 24,
  offerHours: 24,
};

export const waitlistBody = z
  .object({
    patient: idOf('Patient'),
    visitType: z.uuid().optional(),
    practitioner: idOf('Practitioner').optional(),
    earliest: instant,
    latest: instant,
    /** What the front desk needs to remember when a slot comes up ("mornings only", "call the daughter"). */
    note: z.string().trim().max(500).optional(),
  })
  .refine((body) => Date.parse(body.latest) > Date.parse(body.earliest), {
    message: 'latest must be after earliest',
    path: ['latest'],
  });
export type WaitlistInput = z.output<typeof waitlistBody>;

export const WAITLIST_STATUSES = ['waiting', 'offered', 'booked', 'removed'] as const;
export const OFFER_STATUSES = ['open', 'accepted', 'declined', 'expired', 'withdrawn'] as const;

/** `status=waiting,offered`: one status or several, comma-separated. */
function statusList<const T extends readonly [string, ...string[]]>(statuses: T) {
  return z
    .string()
    .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))])
    .pipe(z.array(z.enum(statuses)).min(1));
}

export const waitlistQuery = z.object({ status: statusList(WAITLIST_STATUSES).optional() });

export const offerQuery = z.object({
  waitlistEntry: z.uuid().optional(),
  slot: idOf('Slot').optional(),
  status: statusList(OFFER_STATUSES).optional(),
});
export type OfferQuery = z.output<typeof offerQuery>;

export function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw schedulingErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
