import type { Queryable } from '../../platform/db';

/**
 * The domain events contract (modules/events): an event is written to the outbox on the caller's
 * transaction, so it commits with the change. Declared here as the contract says until the events
 * module is wired in app.ts; payloads carry ids and codes, never names or free text.
 */
export interface DomainEvent {
  type: string;
  version?: number;
  aggregate: { type: string; id: string };
  data: Record<string, unknown>;
}

export interface EventPublisher {
  publish(tx: Queryable, tenantId: string, event: DomainEvent): Promise<void>;
}

/** Publishes nothing: the module works without an event bus (tests, or before one is wired). */
export const NO_EVENTS: EventPublisher = { publish: async () => {} };
