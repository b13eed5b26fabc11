import type { EventPublisher } from '../events';

export type { DomainEvent, EventPublisher } from '../events';

/** Publishes nothing: for a module built without an event bus. */
export const NO_EVENTS: EventPublisher = { publish: async () => {} };
