import type { FastifyInstance } from 'fastify';
import type { FhirRepository } from '../../fhir';
import type { Database, Queryable } from '../../platform/db';
import type { AuditInput } from '../audit';
import { OutboxEventBus } from './events.bus';
import { EventDispatcher } from './events.dispatcher';
import { publishFhirEvents } from './events.fhir';
import { type Listener, listenForEvents } from './events.listen';
import { NatsEventSink } from './events.nats';
import { purgeDeliveredEvents } from './events.retention';
import { registerEventsRoutes } from './events.routes';
import { type SubscriberStatus, subscriberStatus } from './events.status';
import type { DomainEvent, EventBus, EventHandler, SubscribeOptions } from './events.types';

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
  /** Records admin actions (a dead letter's replay). */
  audit?: { append(tx: Queryable, input: AuditInput): Promise<void> } | undefined;
  /** Days delivered events are kept (0: for ever); a daily purge removes older ones. */
  retentionDays?: number;
}

export interface EventsModule extends EventBus {
  /** Publishes events for FHIR writes (patient.registered, encounter.finished). */
  watch(repository: Pick<FhirRepository, 'onWrite'>): void;
  /** Delivers whatever is due now and waits for it (tests, benches). */
  drain(): Promise<void>;
  /** Removes delivered events older than the retention (the daily purge); returns how many. */
  purge(): Promise<number>;
  readonly dispatcher: EventDispatcher;
  /** Each subscriber's lag, retries and dead letters across tenants (system health, metrics). */
  status(): Promise<SubscriberStatus[]>;
}

const DAY_MS = 24 * 3600 * 1000;

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
  registerEventsRoutes(app, {
    db: options.db,
    now,
    nudge: (tenantId) => dispatcher.nudge(tenantId),
    audit: options.audit,
  });

  const nats = options.natsUrl ? new NatsEventSink(options.natsUrl) : undefined;
  // A bridge, not a consumer: it keeps retrying (every 5 minutes at most) through a NATS outage of days.
  if (nats) bus.subscribe('nats', ['*'], (event, tenantId) => nats.handle(event, tenantId), { maxAttempts: 1000 });

  const retentionDays = options.retentionDays ?? 30;
  const purge = async () => {
    if (retentionDays <= 0) return 0;
    const before = new Date(now().getTime() - retentionDays * DAY_MS);
    return purgeDeliveredEvents(options.db, before, [...bus.subscribers.keys()]);
  };
  const timers: NodeJS.Timeout[] = [];
  const purgeLogged = () =>
    purge()
      .then((removed) => removed && app.log.info({ removed }, 'delivered events purged'))
      .catch((error: Error) => app.log.warn({ err: { message: error.message } }, 'event purge failed'));

  let listener: Listener | undefined;
  if (options.dispatch !== false) {
    app.addHook('onReady', async () => {
      if (retentionDays > 0) {
        timers.push(setTimeout(purgeLogged, 60_000).unref(), setInterval(purgeLogged, DAY_MS).unref());
      }
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
    for (const timer of timers) clearTimeout(timer);
    await listener?.close();
    await dispatcher.stop();
    await nats?.close();
  });

  return {
    dispatcher,
    publish: (tx, tenantId, event: DomainEvent) => bus.publish(tx, tenantId, event),
    subscribe: (name: string, types: string[], handler: EventHandler, subscribeOptions?: SubscribeOptions) =>
      bus.subscribe(name, types, handler, subscribeOptions),
    watch: (repository) => publishFhirEvents(repository, bus),
    drain: () => dispatcher.drain(),
    purge,
    status: () => options.db.asOwner((owner) => subscriberStatus(owner, [...bus.subscribers.keys()])),
  };
}
