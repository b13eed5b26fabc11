import type { EventPublisher } from '../events';

export type { DomainEvent, EventPublisher } from '../events';

export type AppointmentEventType =
  | 'appointment.booked'
  | 'appointment.rescheduled'
  | 'appointment.cancelled'
  | 'appointment.no-show'
  | 'appointment.checked-in';

/** Publishes nothing: for a scheduling module built without an event bus. */
export const noEvents: EventPublisher = { publish: async () => {} };
