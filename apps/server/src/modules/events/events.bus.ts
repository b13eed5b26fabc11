import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import { EVENT_TYPE_PATTERN } from './events.catalog';
import { insertEvent, insertEventAndNotify } from './events.store';
import type { DomainEvent, EventBus, EventHandler, SubscribeOptions } from './events.types';

export interface Subscriber {
  name: string;
  /** undefined: every type. */
  types: string[] | undefined;
  handler: EventHandler;
  maxAttempts?: number | undefined;
}

export interface OutboxBusOptions {
  now?: (() => Date) | undefined;
  /** PostgreSQL: also NOTIFY on the publishing transaction, so listening processes wake at its commit. */
  notify?: boolean;
}

/**
 * The outbox side of domain events: `publish` writes on the caller's transaction; `subscribe` registers a
 * durable subscriber the dispatcher delivers to. Listeners to `onPublish` (the dispatcher) are told the
 * tenant right away; on PGlite their next query runs after the publishing transaction ends.
 */
export class OutboxEventBus implements EventBus {
  readonly subscribers = new Map<string, Subscriber>();
  private readonly publishListeners: ((tenantId: string) => void)[] = [];
  private readonly now: () => Date;

  constructor(private readonly options: OutboxBusOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  async publish(tx: Queryable, tenantId: string, event: DomainEvent): Promise<void> {
    if (!EVENT_TYPE_PATTERN.test(event.type))
      throw new Error(`Event type '${event.type}' is not dotted lower-case words`);
    if (!event.aggregate?.type || !event.aggregate.id) throw new Error(`Event ${event.type} has no aggregate`);
    const version = event.version ?? 1;
    if (!Number.isInteger(version) || version < 1) throw new Error(`Event ${event.type} has an invalid version`);
    const row = {
      id: randomUUID(),
      type: event.type,
      version,
      aggregateType: event.aggregate.type,
      aggregateId: event.aggregate.id,
      data: event.data ?? {},
      occurredAt: this.now().toISOString(),
    };
    if (this.options.notify) await insertEventAndNotify(tx, tenantId, row);
    else await insertEvent(tx, tenantId, row);
    for (const listener of this.publishListeners) listener(tenantId);
  }

  subscribe(name: string, types: string[], handler: EventHandler, options: SubscribeOptions = {}): void {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Subscriber name '${name}' must be lower-case words`);
    if (this.subscribers.has(name)) throw new Error(`Subscriber '${name}' is already registered`);
    const all = types.length === 0 || types.includes('*');
    if (options.maxAttempts !== undefined && (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1)) {
      throw new Error(`Subscriber '${name}': maxAttempts must be a positive integer`);
    }
    this.subscribers.set(name, {
      name,
      types: all ? undefined : [...types],
      handler,
      maxAttempts: options.maxAttempts,
    });
  }

  onPublish(listener: (tenantId: string) => void): void {
    this.publishListeners.push(listener);
  }
}
