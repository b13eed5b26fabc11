import type { Queryable } from '../../platform/db';
import type { EventPublisher } from './scheduling.events';

export type WaitlistEventType =
  | 'waitlist.added'
  | 'waitlist.removed'
  | 'waitlist.offer-made'
  | 'waitlist.offer-accepted'
  | 'waitlist.offer-declined';

/** What a waitlist event names: ids only (never the patient's name or the entry's note). */
export interface WaitlistEventData {
  entry: string;
  patient: string;
  offer?: string;
  slot?: string;
  appointment?: string;
}

/**
 * Publishes a waitlist change on the caller's transaction. The entry is the aggregate, so an entry's
 * events (added, offered, declined, offered again, …) reach subscribers in order; `/live` sends them to
 * those who may read the patient.
 */
export function publishWaitlistEvent(
  events: EventPublisher,
  tx: Queryable,
  tenantId: string,
  type: WaitlistEventType,
  data: WaitlistEventData,
): Promise<void> {
  return events.publish(tx, tenantId, {
    type,
    version: 1,
    aggregate: { type: 'WaitlistEntry', id: data.entry },
    data: { ...data },
  });
}
