import { randomUUID } from 'node:crypto';
import { claimDueDeliveries, type Database, recordDeliveryAttempt } from '../../platform/db';
import type { Principal, SecretBox } from '../identity';
import { postTo, retryDelayMs } from './http-delivery';
import { subscriptionsErrors } from './subscriptions.errors';
import { newWebhookSecret, SIGNATURE_HEADER, signatureHeader } from './webhooks.signing';
import * as store from './webhooks.store';

/** A domain event as the event bus hands it to subscribers (see modules/events). */
export interface BusEvent {
  id: string;
  type: string;
  aggregate: { type: string; id: string };
  data: Record<string, unknown>;
  occurredAt?: string;
}

export interface DeliverySettings {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
}

/** `*` (everything), `appointment.*` (a family) or one type. */
export function matchesType(filters: string[], type: string): boolean {
  return filters.some(
    (filter) => filter === '*' || filter === type || (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))),
  );
}

/** Webhooks for integrators: endpoints with their event filters, signed deliveries, retries and the log. */
export class WebhooksService {
  constructor(
    private readonly deps: {
      db: Database;
      secrets: SecretBox;
      now: () => Date;
      settings: DeliverySettings;
    },
  ) {}

  async create(principal: Principal, input: { url: string; eventTypes: string[]; description?: string | undefined }) {
    const secret = newWebhookSecret();
    const endpoint: store.EndpointRow = {
      id: randomUUID(),
      url: input.url,
      sealedSecret: this.deps.secrets.seal(secret),
      eventTypes: input.eventTypes,
      description: input.description ?? null,
      createdAt: this.deps.now().toISOString(),
    };
    await this.deps.db.withTenant(principal.tenantId, (db) =>
      store.insertEndpoint(db, principal.tenantId, endpoint, principal.subject),
    );
    // The only time the secret leaves the server.
    return { ...this.view(endpoint), secret };
  }

  private view(endpoint: store.EndpointRow) {
    const { sealedSecret: _secret, ...shown } = endpoint;
    return shown;
  }

  async list(tenantId: string) {
    const rows = await this.deps.db.withTenant(tenantId, (db) => store.listEndpoints(db, tenantId));
    return rows.map((row) => this.view(row));
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const done = await this.deps.db.withTenant(tenantId, (db) =>
      store.deleteEndpoint(db, tenantId, id, this.deps.now()),
    );
    if (!done) throw subscriptionsErrors.notFound(`Webhook ${id}`);
  }

  async deliveries(tenantId: string, endpointId: string, limit: number) {
    return this.deps.db.withTenant(tenantId, async (db) => {
      if (!(await store.readEndpoint(db, tenantId, endpointId)))
        throw subscriptionsErrors.notFound(`Webhook ${endpointId}`);
      const rows = await store.listDeliveries(db, tenantId, endpointId, limit);
      return rows.map(({ payload: _payload, endpointId: _endpoint, ...row }) => row);
    });
  }

  /** Queues one delivery per endpoint whose filter takes the event (idempotent per endpoint and event). */
  async handleEvent(event: BusEvent, tenantId: string): Promise<void> {
    const endpoints = await this.deps.db.withTenant(tenantId, (db) => store.listEndpoints(db, tenantId));
    const matching = endpoints.filter((endpoint) => matchesType(endpoint.eventTypes, event.type));
    if (!matching.length) return;
    // Ids and codes only, as the events carry them: no names or free text leave in a webhook.
    const payload = JSON.stringify({
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      tenant: tenantId,
      aggregate: event.aggregate,
      data: event.data,
    });
    const at = this.deps.now();
    await this.deps.db.transaction(tenantId, async (tx) => {
      for (const endpoint of matching) {
        await store.insertDelivery(tx, tenantId, {
          id: randomUUID(),
          endpointId: endpoint.id,
          eventId: event.id,
          eventType: event.type,
          payload,
          at,
        });
      }
    });
  }

  /** Sends every delivery due at `now`; a failure (non-2xx, timeout) is retried with back-off. */
  async runDue(options: { now?: Date; limit?: number } = {}): Promise<{ delivered: number; failed: number }> {
    const now = options.now ?? this.deps.now();
    const { timeoutMs, maxAttempts, retryBaseMs } = this.deps.settings;
    const claimed = await this.deps.db.asOwner((owner) =>
      claimDueDeliveries(owner, 'webhook_delivery', now, timeoutMs + 60_000, options.limit ?? 50),
    );
    let delivered = 0;
    let failed = 0;
    for (const { tenantId, id } of claimed) {
      const found = await this.deps.db.withTenant(tenantId, async (db) => {
        const delivery = await store.readDelivery(db, tenantId, id);
        const endpoint = delivery && (await store.readEndpoint(db, tenantId, delivery.endpointId));
        return delivery && { delivery, endpoint };
      });
      if (found?.delivery.status !== 'queued') continue;
      const { delivery, endpoint } = found;
      if (!endpoint) {
        await this.deps.db.withTenant(tenantId, (db) =>
          recordDeliveryAttempt(db, 'webhook_delivery', tenantId, id, {
            delivered: false,
            error: 'endpoint deleted',
            at: now,
          }),
        );
        continue;
      }
      const timestamp = Math.floor(now.getTime() / 1000);
      const secret = this.deps.secrets.open(endpoint.sealedSecret);
      const result = await postTo(
        endpoint.url,
        delivery.payload,
        {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, delivery.payload),
          'Meridian-Event-Id': delivery.eventId,
          'Meridian-Event-Type': delivery.eventType,
          'Meridian-Delivery-Id': delivery.id,
        },
        timeoutMs,
      );
      const attempts = delivery.attempts + 1;
      const retryAt =
        result.ok || attempts >= maxAttempts
          ? undefined
          : new Date(now.getTime() + retryDelayMs(attempts, retryBaseMs));
      await this.deps.db.withTenant(tenantId, (db) =>
        recordDeliveryAttempt(db, 'webhook_delivery', tenantId, id, {
          delivered: result.ok,
          status: result.status,
          error: result.error,
          retryAt,
          at: now,
        }),
      );
      if (result.ok) delivered += 1;
      else failed += 1;
    }
    return { delivered, failed };
  }
}
