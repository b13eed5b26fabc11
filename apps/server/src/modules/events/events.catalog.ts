/** The event types Meridian publishes; each has a JSON Schema in docs/events/<type>.v1.json. */
export const EVENT_TYPES = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.cancelled',
  'appointment.no-show',
  'appointment.checked-in',
  'waitlist.added',
  'waitlist.removed',
  'waitlist.offer-made',
  'waitlist.offer-accepted',
  'waitlist.offer-declined',
  'encounter.finished',
  'order.placed',
  'order.revoked',
  'result.available',
  'result.critical',
  'bed.occupied',
  'bed.freed',
  'bed.status-changed',
  'patient.registered',
  'patient.merged',
  'invoice.issued',
  'payment.posted',
  'claim.submitted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Lower-case dotted words (`bed.status-changed`): safe as a NATS subject's last tokens. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
