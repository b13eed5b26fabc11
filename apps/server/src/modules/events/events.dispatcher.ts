import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/db';
import type { Subscriber } from './events.bus';
import {
  advancePosition,
  claimLease,
  type PendingEvent,
  pendingEvents,
  readProgress,
  recordDelivery,
  recordDone,
  releaseLease,
} from './events.store';

export interface DispatcherOptions {
  db: Database;
  subscribers: Map<string, Subscriber>;
  now?: (() => Date) | undefined;
  /** How often a tenant with work in progress is looked at again (besides the nudges after commits). */
  pollMs?: number;
  /** How often a tenant with nothing pending is looked at (commits of processes this one does not hear about). */
  idlePollMs?: number;
  /** How long a process holds a tenant's deliveries to one subscriber before another may take over. */
  leaseMs?: number;
  /** Attempts before an event becomes a dead letter for a subscriber. */
  maxAttempts?: number;
  /** First retry delay; each further attempt doubles it, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  batchSize?: number;
  /** Aggregates delivered to at the same time (one event at a time each, in order). */
  concurrency?: number;
  /** A handler that has not settled by then counts as failed (kept below the lease). */
  handlerTimeoutMs?: number;
  /** Tenants that have published events (asked at start and every so often). */
  listTenants: () => Promise<string[]>;
  log?: { warn: (object: object, message: string) => void };
}

/**
 * Delivers the outbox to the durable subscribers: at least once, in order per aggregate, with retries and
 * back-off, then a dead letter. A process leases a tenant's deliveries to one subscriber (a short update,
 * no transaction held while a handler runs, so it works on PGlite's single connection too); leases
 * expire, so a crashed process's work is taken over.
 */
export class EventDispatcher {
  readonly owner = `${process.pid}-${randomUUID()}`;
  /** Known tenants and when each is next looked at (Date.now() ms; 0: at the next pass). */
  private readonly dueAt = new Map<string, number>();
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private stopped = false;
  private lastTenantRefresh = 0;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const poll = this.options.pollMs ?? 500;
    this.timer = setInterval(() => this.kick(), poll);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** A tenant published: look at it soon (on PGlite the look queues behind the publishing transaction). */
  nudge(tenantId: string): void {
    this.dueAt.set(tenantId, 0);
    if (this.started) setImmediate(() => this.kick());
  }

  /** Runs one pass now, after any running one, and waits for it (tests, benches). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    await this.launch(true);
  }

  private kick(): void {
    if (this.stopped || !this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.launch(false).catch(() => {});
  }

  /** One pass at a time in this process: two would hold the same lease. */
  private launch(everyTenant: boolean): Promise<void> {
    const run = this.pass(everyTenant);
    this.running = run
      .catch((error: Error) => this.options.log?.warn({ err: { message: error.message } }, 'event dispatch failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
    return run;
  }

  /**
   * Looks at each tenant that is due: one nudged by a commit, one with work left or a retry coming due, and
   * every idle one now and then (commits of processes this one does not hear about).
   */
  private async pass(everyTenant: boolean): Promise<void> {
    if (Date.now() - this.lastTenantRefresh > 10_000) {
      this.lastTenantRefresh = Date.now();
      for (const tenant of await this.options.listTenants()) {
        if (!this.dueAt.has(tenant)) this.dueAt.set(tenant, 0);
      }
    }
    for (const [tenantId, due] of this.dueAt) {
      if (!everyTenant && due > Date.now()) continue;
      // Set before the look: a nudge during it makes the tenant due again.
      this.dueAt.set(tenantId, Date.now() + this.idleMs());
      const next = await this.runTenant(tenantId);
      if (next !== undefined) this.dueAt.set(tenantId, Math.min(this.dueAt.get(tenantId) ?? 0, next));
    }
  }

  private idleMs(): number {
    return Math.max(this.options.pollMs ?? 500, this.options.idlePollMs ?? 5000);
  }

  /** Delivers what the tenant's subscribers have waiting; returns when to look again if sooner than idle. */
  private async runTenant(tenantId: string): Promise<number | undefined> {
    const { db } = this.options;
    const pollMs = this.options.pollMs ?? 500;
    const progress = await db.withTenant(tenantId, (q) => readProgress(q, tenantId));
    const now = this.now();
    let next: number | undefined;
    const soon = (at: number) => {
      next = next === undefined ? at : Math.min(next, at);
    };
    for (const subscriber of this.options.subscribers.values()) {
      const state = progress.subscriptions.find((s) => s.subscriber === subscriber.name);
      const retryAt = state?.nextRetryAt ? new Date(state.nextRetryAt) : undefined;
      // A retry coming due: look again then (in real time, whatever clock `now` is).
      if (retryAt && retryAt > now) soon(Date.now() + (retryAt.getTime() - now.getTime()));
      const work = !state || state.position < progress.head || (retryAt !== undefined && retryAt <= now);
      if (!work) continue;
      if (
        state?.leaseOwner &&
        state.leaseOwner !== this.owner &&
        state.leaseUntil &&
        new Date(state.leaseUntil) > now
      ) {
        // Another process is on it; if it dies, its lease runs out.
        soon(Date.now() + pollMs);
        continue;
      }
      await this.deliverTo(tenantId, subscriber);
      // Whatever came in meanwhile, or waits behind a retry, is looked at on the next poll.
      soon(Date.now() + pollMs);
    }
    return next;
  }

  private async deliverTo(tenantId: string, subscriber: Subscriber): Promise<void> {
    const { db } = this.options;
    const leaseMs = this.options.leaseMs ?? 30_000;
    const batchSize = this.options.batchSize ?? 200;
    const claim = () => {
      const now = this.now();
      return db.withTenant(tenantId, (q) =>
        claimLease(
          q,
          tenantId,
          subscriber.name,
          this.owner,
          now.toISOString(),
          new Date(now.getTime() + leaseMs).toISOString(),
        ),
      );
    };
    let position: number | undefined = await claim();
    if (position === undefined) return;
    try {
      for (;;) {
        const start: number = position;
        const events = await db.withTenant(tenantId, (q) =>
          pendingEvents(q, tenantId, subscriber.name, subscriber.types, start, batchSize),
        );
        const done = events.length > 0 ? await this.deliverBatch(tenantId, subscriber, events) : [];
        // A crash before this commits delivers the batch's events again: at least once.
        // The position also moves past events of other types, so the next look starts after them.
        position = await db.transaction(tenantId, async (q) => {
          await recordDone(q, tenantId, subscriber.name, done, this.now().toISOString());
          return advancePosition(q, tenantId, subscriber.name, subscriber.types, start);
        });
        if (events.length < batchSize || this.stopped) break;
        if ((await claim()) === undefined) return;
      }
    } finally {
      await db.withTenant(tenantId, (q) => releaseLease(q, tenantId, subscriber.name, this.owner));
    }
  }

  /** Each aggregate's events one after the other, in sequence order; different aggregates side by side. */
  private async deliverBatch(
    tenantId: string,
    subscriber: Subscriber,
    events: PendingEvent[],
  ): Promise<{ seq: number; attempts: number }[]> {
    const groups = new Map<string, PendingEvent[]>();
    for (const event of events) {
      const key = `${event.aggregate.type}/${event.aggregate.id}`;
      const group = groups.get(key);
      if (group) group.push(event);
      else groups.set(key, [event]);
    }
    const queue = [...groups.values()];
    const done: { seq: number; attempts: number }[] = [];
    const workers = Array.from({ length: Math.min(this.options.concurrency ?? 8, queue.length) }, async () => {
      for (let group = queue.shift(); group; group = queue.shift())
        await this.deliverAggregate(tenantId, subscriber, group, done);
    });
    await Promise.all(workers);
    return done;
  }

  private async withTimeout(work: Promise<void>): Promise<void> {
    const ms = this.options.handlerTimeoutMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`handler did not finish within ${ms} ms`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Delivered events go to `done` (marked with the batch); a failure is recorded at once. */
  private async deliverAggregate(
    tenantId: string,
    subscriber: Subscriber,
    events: PendingEvent[],
    done: { seq: number; attempts: number }[],
  ): Promise<void> {
    const { db } = this.options;
    const maxAttempts = subscriber.maxAttempts ?? this.options.maxAttempts ?? 8;
    const base = this.options.retryBaseMs ?? 1000;
    const max = this.options.retryMaxMs ?? 5 * 60_000;
    for (const event of events) {
      if (this.stopped) return;
      // Waiting for its retry: later events of the aggregate wait behind it.
      if (event.nextAttemptAt && new Date(event.nextAttemptAt) > this.now()) return;
      const { attempts: _attempts, nextAttemptAt: _next, ...stored } = event;
      try {
        await this.withTimeout(subscriber.handler(stored, tenantId));
      } catch (error) {
        const attempts = event.attempts + 1;
        const lastError = String((error as Error)?.message ?? error).slice(0, 1000);
        const now = this.now();
        if (attempts >= maxAttempts) {
          // A dead letter: the aggregate's later events go on (an admin may replay this one).
          await db.withTenant(tenantId, (q) =>
            recordDelivery(
              q,
              tenantId,
              subscriber.name,
              event.seq,
              randomUUID(),
              { status: 'dead', attempts, lastError },
              now.toISOString(),
            ),
          );
          this.options.log?.warn(
            { subscriber: subscriber.name, event: event.id, type: event.type, attempts },
            'event dead-lettered',
          );
          continue;
        }
        const delay = Math.min(max, base * 2 ** (attempts - 1));
        await db.withTenant(tenantId, (q) =>
          recordDelivery(
            q,
            tenantId,
            subscriber.name,
            event.seq,
            randomUUID(),
            { status: 'retry', attempts, lastError, nextAttemptAt: new Date(now.getTime() + delay).toISOString() },
            now.toISOString(),
          ),
        );
        return;
      }
      done.push({ seq: event.seq, attempts: event.attempts + 1 });
    }
  }
}
