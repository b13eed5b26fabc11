import type { FastifyInstance } from 'fastify';
import type { FhirRepository } from '../../fhir';
import type { Database } from '../../platform/db';
import { OutboxEventBus } from './events.bus';
import { EventDispatcher } from './events.dispatcher';
import { publishFhirEvents } from './events.fhir';
import { type Listener, listenForEvents } from './events.listen';
import { NatsEventSink } from './events.nats';
import { registerEventsRoutes } from './events.routes';
import type { DomainEvent, EventBus, EventHandler } from './events.types';

export interface EventsModuleOptions {
  db: Database;
  now?: (() => Date) | undefined;
  /** false: this process writes events to the outbox but delivers none (other processes do). */
  dispatch?: boolean;
  pollMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  leaseMs?: number;
  /** PostgreSQL URL: LISTEN for other processes' commits (and NOTIFY on ours). */
  databaseUrl?: string | undefined;
  /** NATS server with JetStream: a `nats` subscriber copies every event to the MERIDIAN_EVENTS stream. */
  natsUrl?: string | undefined;
}

export interface EventsModule extends EventBus {
  /** Publishes events for FHIR writes (patient.registered, encounter.finished). */
  watch(repository: Pick<FhirRepository, 'onWrite'>): void;
  /** Delivers whatever is due now and waits for it (tests, benches). */
  drain(): Promise<void>;
  readonly dispatcher: EventDispatcher;
}

/**
 * Domain events: the transactional outbox every module publishes to, the dispatcher delivering it to
 * durable subscribers, and the admin API (recent events, dead letters, replay). Created before the other
 * modules so each receives it as its `events` publisher.
 */
export function registerEventsModule(app: FastifyInstance, options: EventsModuleOptions): EventsModule {
  const listening = options.db.engine === 'postgres' && Boolean(options.databaseUrl) && options.dispatch !== false;
  const bus = new OutboxEventBus({
    now: options.now,
    notify: options.db.engine === 'postgres' && Boolean(options.databaseUrl),
  });
  const dispatcher = new EventDispatcher({
    db: options.db,
    subscribers: bus.subscribers,
    now: options.now,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.retryMaxMs !== undefined ? { retryMaxMs: options.retryMaxMs } : {}),
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    listTenants: async () => {
      const result = await options.db.asOwner((q) =>
        q.query<{ tenant_id: string }>('SELECT tenant_id FROM event_counter'),
      );
      return result.rows.map((row) => row.tenant_id);
    },
    log: app.log,
  });
  bus.onPublish((tenantId) => dispatcher.nudge(tenantId));
  const now = options.now ?? (() => new Date());
  registerEventsRoutes(app, { db: options.db, now, nudge: (tenantId) => dispatcher.nudge(tenantId) });

  const nats = options.natsUrl ? new NatsEventSink(options.natsUrl) : undefined;
  if (nats) bus.subscribe('nats', ['*'], (event, tenantId) => nats.handle(event, tenantId));

  let listener: Listener | undefined;
  if (options.dispatch !== false) {
    app.addHook('onReady', async () => {
      if (listening && options.databaseUrl) {
        listener = await listenForEvents(options.databaseUrl, (tenantId) => dispatcher.nudge(tenantId), app.log).catch(
          (error: Error) => {
            app.log.warn({ err: { message: error.message } }, 'event listener not started; polling only');
            return undefined;
          },
        );
      }
      dispatcher.start();
    });
  }
  app.addHook('onClose', async () => {
    await listener?.close();
    await dispatcher.stop();
    await nats?.close();
  });

  return {
    dispatcher,
    publish: (tx, tenantId, event: DomainEvent) => bus.publish(tx, tenantId, event),
    subscribe: (name: string, types: string[], handler: EventHandler) => bus.subscribe(name, types, handler),
    watch: (repository) => publishFhirEvents(repository, bus),
    drain: () => dispatcher.drain(),
  };
}
