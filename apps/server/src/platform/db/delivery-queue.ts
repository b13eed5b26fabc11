import type { Queryable } from './database';

/**
 * Tables of outgoing work (notifications, webhook deliveries, FHIR Subscription notifications) that share
 * one shape: `status` ('queued' until sent or given up), `attempts`, `next_attempt_at`, `last_error`.
 * Named here rather than passed as text, so no caller can put SQL in a table name.
 */
const QUEUES = {
  notification: { lastStatus: false },
  webhook_delivery: { lastStatus: true },
  fhir_subscription_delivery: { lastStatus: false },
} as const;

export type DeliveryQueue = keyof typeof QUEUES;

/**
 * Claims due rows across tenants (as the schema owner): each claimed row's next attempt moves `leaseMs`
 * ahead, so another process skips it and a crash only delays it.
 */
export async function claimDueDeliveries(
  owner: Queryable,
  queue: DeliveryQueue,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<{ tenantId: string; id: string }[]> {
  const result = await owner.query<{ tenant_id: string; id: string }>(
    `UPDATE ${queue} SET next_attempt_at = $2
     WHERE (tenant_id, id) IN (
       SELECT tenant_id, id FROM ${queue}
       WHERE status = 'queued' AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING tenant_id, id`,
    [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
  );
  return result.rows.map((row) => ({ tenantId: row.tenant_id, id: row.id }));
}

export interface DeliveryOutcome {
  delivered: boolean;
  /** The HTTP status the receiver answered (queues that keep it). */
  status?: number | undefined;
  error?: string | undefined;
  /** When to try again; undefined with `delivered: false` gives up ('failed'). */
  retryAt?: Date | undefined;
  at: Date;
}

/** One attempt of a webhook or Subscription delivery: delivered, queued again for `retryAt`, or failed. */
export async function recordDeliveryAttempt(
  db: Queryable,
  queue: Exclude<DeliveryQueue, 'notification'>,
  tenantId: string,
  id: string,
  outcome: DeliveryOutcome,
): Promise<void> {
  const lastStatus = QUEUES[queue].lastStatus ? 'last_status = $7::integer, ' : '';
  await db.query(
    `UPDATE ${queue} SET attempts = attempts + 1, ${lastStatus}last_error = $3,
       status = CASE WHEN $4::boolean THEN 'delivered' WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'queued' END,
       next_attempt_at = CASE WHEN $4::boolean THEN NULL ELSE $5::timestamptz END,
       delivered_at = CASE WHEN $4::boolean THEN $6::timestamptz ELSE NULL END
     WHERE tenant_id = $1 AND id = $2`,
    [
      tenantId,
      id,
      outcome.error ?? null,
      outcome.delivered,
      outcome.retryAt?.toISOString() ?? null,
      outcome.at.toISOString(),
      ...(QUEUES[queue].lastStatus ? [outcome.status ?? null] : []),
    ],
  );
}

export interface DeliveryQueueStatus {
  queue: DeliveryQueue;
  /** Waiting to be sent (due or retrying later). */
  queued: number;
  /** Due for more than a minute and not yet sent: the senders are behind or down. */
  overdue: number;
}

/** Every tenant's outgoing work, counted (as the schema owner) through the queues' `queued` indexes. */
export async function deliveryQueueStatus(owner: Queryable, now: Date): Promise<DeliveryQueueStatus[]> {
  const late = new Date(now.getTime() - 60_000).toISOString();
  const statuses: DeliveryQueueStatus[] = [];
  for (const queue of Object.keys(QUEUES) as DeliveryQueue[]) {
    const result = await owner.query<{ queued: number; overdue: number }>(
      `SELECT count(*)::integer AS queued, count(*) FILTER (WHERE next_attempt_at < $1)::integer AS overdue
         FROM ${queue} WHERE status = 'queued'`,
      [late],
    );
    statuses.push({ queue, queued: result.rows[0]?.queued ?? 0, overdue: result.rows[0]?.overdue ?? 0 });
  }
  return statuses;
}
