import { randomUUID } from 'node:crypto';
import type { Bundle, Subscription } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirServices } from '../../fhir';
import type { Broadcast } from '../../platform/broadcast';
import { claimDueDeliveries, type Database, type Queryable, recordDeliveryAttempt } from '../../platform/db';
import { postTo, retryDelayMs } from './http-delivery';
import { type Criteria, parseCriteria } from './subscription.criteria';
import * as store from './subscription.store';
import type { DeliverySettings } from './webhooks.service';

/** What the repository tells its write listeners (fhir/core/write-observer.ts). */
interface WriteEvent {
  action: 'create' | 'update' | 'patch' | 'delete' | 'meta';
  resourceType: string;
  id: string;
  versionId: number;
  resource?: { resourceType: string; status?: string } | undefined;
}

interface ActiveSubscription {
  id: string;
  criteria: Criteria;
}

/** A socket bound to Subscriptions by `bind <id>` on the websocket channel. */
export interface BoundSocket {
  send(message: string): void;
}

/** Broadcast `<tenant>/<subscription id>`: every process pings the sockets it has bound to it. */
const PING_TOPIC = 'fhir-subscription-ping';

/** How long a tenant's active Subscriptions are remembered (changes in this process drop it at once). */
const CACHE_MS = 30_000;

/**
 * FHIR R4 Subscriptions. A write listener runs inside each write's transaction: for every active
 * Subscription on the written type it asks the search engine whether the resource matches the criteria
 * (the criteria plus `_id=<id>`), and queues a notification in the same transaction. A worker sends them:
 * rest-hook POSTs (empty, or the resource per channel.payload) and `ping <id>` on bound websockets.
 */
export class FhirSubscriptionService {
  private readonly cache = new Map<string, { at: number; subscriptions: ActiveSubscription[] }>();
  private readonly sockets = new Map<string, Set<BoundSocket>>();
  private kickTimer: NodeJS.Timeout | undefined;
  /** Set by the module when a background sender runs: a queued notification then goes out at once. */
  onQueued: (() => void) | undefined;

  constructor(
    private readonly deps: {
      db: Database;
      fhir: FhirServices;
      broadcast: Broadcast;
      now: () => Date;
      settings: DeliverySettings;
    },
  ) {
    // The worker that sends a notification runs in one process; the bound sockets may be in any.
    deps.broadcast.subscribe(PING_TOPIC, (key) => {
      const subscriptionId = key.slice(key.indexOf('/') + 1);
      for (const socket of this.sockets.get(key) ?? []) socket.send(`ping ${subscriptionId}`);
    });
  }

  watch(repository: FhirServices['repository']): void {
    repository.onWrite((tx, events, ctx) => this.onWrite(tx, events as WriteEvent[], ctx));
  }

  private async active(tx: Queryable, tenantId: string): Promise<ActiveSubscription[]> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.subscriptions;
    const bundle: Bundle = await this.deps.fhir.search.search(
      { tenantId, tx },
      {
        resourceType: 'Subscription',
        params: [
          ['status', 'active'],
          ['_count', '1000'],
        ],
        handling: 'lenient',
      },
      '',
    );
    const subscriptions = (bundle.entry ?? []).flatMap((entry) => {
      const subscription = entry.resource as Subscription | undefined;
      const criteria = parseCriteria(subscription?.criteria);
      return subscription?.id && !('error' in criteria) ? [{ id: subscription.id, criteria }] : [];
    });
    this.cache.set(tenantId, { at: Date.now(), subscriptions });
    return subscriptions;
  }

  private async onWrite(tx: Queryable, events: WriteEvent[], ctx: FhirContext): Promise<void> {
    const { tenantId } = ctx;
    const at = this.deps.now();
    let queued = false;
    for (const event of events) {
      if (event.resourceType !== 'Subscription') continue;
      this.cache.delete(tenantId);
      if (event.action !== 'delete' && event.resource?.status === 'requested') {
        await store.insertDelivery(tx, tenantId, { id: randomUUID(), kind: 'activate', subscriptionId: event.id, at });
        queued = true;
      }
    }
    const written = events.filter(
      (event) =>
        event.resourceType !== 'Subscription' &&
        (event.action === 'create' || event.action === 'update' || event.action === 'patch'),
    );
    if (written.length) {
      const subscriptions = await this.active(tx, tenantId);
      for (const event of written) {
        for (const subscription of subscriptions) {
          if (subscription.criteria.resourceType !== event.resourceType) continue;
          // The search engine decides, on this transaction (the write is visible to it, not yet to others).
          const ids = await this.deps.fhir.search
            .findIds({ tenantId, tx }, event.resourceType, [...subscription.criteria.params, ['_id', event.id]], 1)
            .catch((error: unknown) => {
              // A criteria the engine refuses (checked before any SQL runs) matches nothing; anything else
              // fails the write, since on PostgreSQL a failed statement has already aborted its transaction.
              if (error instanceof FhirError) return [] as string[];
              throw error;
            });
          if (!ids.includes(event.id)) continue;
          await store.insertDelivery(tx, tenantId, {
            id: randomUUID(),
            kind: 'notify',
            subscriptionId: subscription.id,
            resourceType: event.resourceType,
            resourceId: event.id,
            versionId: event.versionId,
            at,
          });
          queued = true;
        }
      }
    }
    if (queued) this.kick();
  }

  /** Soon after the commit, rather than at the next interval. */
  private kick(): void {
    if (!this.onQueued || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.onQueued?.();
    }, 50);
    this.kickTimer.unref();
  }

  bind(tenantId: string, subscriptionId: string, socket: BoundSocket): void {
    const key = `${tenantId}/${subscriptionId}`;
    this.sockets.set(key, (this.sockets.get(key) ?? new Set()).add(socket));
  }

  unbind(socket: BoundSocket): void {
    for (const [key, set] of this.sockets) {
      set.delete(socket);
      if (!set.size) this.sockets.delete(key);
    }
  }

  private async setStatus(
    tenantId: string,
    subscription: Subscription,
    status: Subscription['status'],
    error?: string,
  ) {
    const { error: _previous, ...rest } = subscription;
    await this.deps.fhir.repository.update({ tenantId }, 'Subscription', subscription.id!, {
      ...rest,
      status,
      ...(error ? { error } : {}),
    } as Subscription);
  }

  /** Activates requested Subscriptions and sends due notifications. */
  async runDue(options: { now?: Date; limit?: number } = {}): Promise<{ delivered: number; failed: number }> {
    const now = options.now ?? this.deps.now();
    const { timeoutMs } = this.deps.settings;
    const claimed = await this.deps.db.asOwner((owner) =>
      claimDueDeliveries(owner, 'fhir_subscription_delivery', now, timeoutMs + 60_000, options.limit ?? 50),
    );
    let delivered = 0;
    let failed = 0;
    for (const { tenantId, id } of claimed) {
      const delivery = await this.deps.db.withTenant(tenantId, (db) => store.readDelivery(db, tenantId, id));
      if (delivery?.status !== 'queued') continue;
      const outcome = await this.process(tenantId, delivery, now);
      await this.deps.db.withTenant(tenantId, (db) =>
        recordDeliveryAttempt(db, 'fhir_subscription_delivery', tenantId, id, { ...outcome, at: now }),
      );
      if (outcome.delivered) delivered += 1;
      else failed += 1;
    }
    return { delivered, failed };
  }

  /** A Subscription as the caller may read it (their FHIR access applies). */
  async readFor(ctx: FhirContext, id: string): Promise<Subscription> {
    return (await this.deps.fhir.repository.read(ctx, 'Subscription', id)) as Subscription;
  }

  private async readSubscription(tenantId: string, id: string): Promise<Subscription | undefined> {
    try {
      return (await this.deps.fhir.repository.read({ tenantId }, 'Subscription', id)) as Subscription;
    } catch {
      return undefined;
    }
  }

  private async process(
    tenantId: string,
    delivery: store.SubscriptionDelivery,
    now: Date,
  ): Promise<{ delivered: boolean; error?: string; retryAt?: Date }> {
    const subscription = await this.readSubscription(tenantId, delivery.subscriptionId);
    if (!subscription) return { delivered: false, error: 'subscription deleted' };
    if (delivery.kind === 'activate') {
      if (subscription.status !== 'requested') return { delivered: true };
      const criteria = parseCriteria(subscription.criteria);
      try {
        if ('error' in criteria) throw new Error(criteria.error);
        await this.deps.fhir.search.findIds({ tenantId }, criteria.resourceType, criteria.params, 1);
      } catch (error) {
        const reason = `criteria cannot be searched: ${error instanceof Error ? error.message : String(error)}`;
        await this.setStatus(tenantId, subscription, 'error', reason);
        return { delivered: true };
      }
      await this.setStatus(tenantId, subscription, 'active');
      return { delivered: true };
    }
    if (subscription.status !== 'active') return { delivered: false, error: `subscription is ${subscription.status}` };
    if (subscription.channel.type === 'websocket') {
      await this.deps.broadcast.publish(PING_TOPIC, `${tenantId}/${subscription.id}`);
      return { delivered: true };
    }
    return this.restHook(tenantId, subscription, delivery, now);
  }

  private async restHook(
    tenantId: string,
    subscription: Subscription,
    delivery: store.SubscriptionDelivery,
    now: Date,
  ): Promise<{ delivered: boolean; error?: string; retryAt?: Date }> {
    const { channel } = subscription;
    let body = '';
    const headers: Record<string, string> = {};
    for (const line of channel.header ?? []) {
      const at = line.indexOf(':');
      if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    if (channel.payload && delivery.resourceType && delivery.resourceId && delivery.versionId) {
      const version = await this.deps.fhir.repository.vread(
        { tenantId },
        delivery.resourceType,
        delivery.resourceId,
        String(delivery.versionId),
      );
      body = version.content ?? '';
      headers['content-type'] = channel.payload;
    }
    const result = await postTo(channel.endpoint!, body, headers, this.deps.settings.timeoutMs);
    if (result.ok) return { delivered: true };
    const attempts = delivery.attempts + 1;
    const error = result.error ?? 'failed';
    if (attempts >= this.deps.settings.maxAttempts) {
      await this.setStatus(tenantId, subscription, 'error', `rest-hook ${error} after ${attempts} attempts`);
      return { delivered: false, error };
    }
    return {
      delivered: false,
      error,
      retryAt: new Date(now.getTime() + retryDelayMs(attempts, this.deps.settings.retryBaseMs)),
    };
  }
}
