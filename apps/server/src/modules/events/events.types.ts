import type { Queryable } from '../../platform/db';

/** A fact a module announces: what happened (`type`, e.g. `appointment.booked`), to which aggregate, and ids and codes (never names or free text). */
export interface DomainEvent {
  type: string;
  /** Version of the type's JSON Schema (`docs/events/<type>.v<version>.json`); 1 when omitted. */
  version?: number;
  aggregate: { type: string; id: string };
  data: Record<string, unknown>;
}

/** An event as the outbox holds it. */
export interface StoredEvent {
  id: string;
  /** Position in the tenant's sequence: gap-free and in commit order. */
  seq: number;
  type: string;
  version: number;
  aggregate: { type: string; id: string };
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface EventPublisher {
  /** Writes the event to the outbox on `tx`: it commits with the change it describes, or not at all. */
  publish(tx: Queryable, tenantId: string, event: DomainEvent): Promise<void>;
}

export type EventHandler = (event: StoredEvent, tenantId: string) => Promise<void>;

export interface SubscribeOptions {
  /** Deliveries before an event becomes a dead letter for this subscriber (default: EVENTS_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

export interface EventBus extends EventPublisher {
  /** Durable, idempotent subscriber: called at least once per event, in order per aggregate. */
  subscribe(name: string, types: string[], handler: EventHandler, options?: SubscribeOptions): void;
}
