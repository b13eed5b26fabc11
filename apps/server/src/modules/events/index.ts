export { EVENT_TYPE_PATTERN, EVENT_TYPES, type EventType } from './events.catalog';
export { type EventsModule, type EventsModuleOptions, registerEventsModule } from './events.module';
export { NATS_STREAM, natsSubject } from './events.nats';
export type { SubscriberStatus } from './events.status';
export type {
  DomainEvent,
  EventBus,
  EventHandler,
  EventPublisher,
  StoredEvent,
  SubscribeOptions,
} from './events.types';
