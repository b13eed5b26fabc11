import type { Queryable } from '../../platform/db';

/** SQL of FHIR Subscription work: activations and notifications waiting to be sent, with their state. */

export interface SubscriptionDelivery {
  id: string;
  kind: 'activate' | 'notify';
  subscriptionId: string;
  resourceType: string | null;
  resourceId: string | null;
  versionId: number | null;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
}

export async function insertDelivery(
  db: Queryable,
  tenantId: string,
  delivery: {
    id: string;
    kind: 'activate' | 'notify';
    subscriptionId: string;
    resourceType?: string;
    resourceId?: string;
    versionId?: number;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO fhir_subscription_delivery (tenant_id, id, kind, subscription_id, resource_type, resource_id, version_id,
       status, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8)`,
    [
      tenantId,
      delivery.id,
      delivery.kind,
      delivery.subscriptionId,
      delivery.resourceType ?? null,
      delivery.resourceId ?? null,
      delivery.versionId ?? null,
      delivery.at.toISOString(),
    ],
  );
}

export async function claimDue(
  owner: Queryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<{ tenantId: string; id: string }[]> {
  const result = await owner.query<{ tenant_id: string; id: string }>(
    `UPDATE fhir_subscription_delivery SET next_attempt_at = $2
     WHERE (tenant_id, id) IN (
       SELECT tenant_id, id FROM fhir_subscription_delivery
       WHERE status = 'queued' AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING tenant_id, id`,
    [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
  );
  return result.rows.map((row) => ({ tenantId: row.tenant_id, id: row.id }));
}

export async function readDelivery(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<SubscriptionDelivery | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT id, kind, subscription_id, resource_type, resource_id, version_id, status, attempts, last_error
     FROM fhir_subscription_delivery WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    id: row.id as string,
    kind: row.kind as SubscriptionDelivery['kind'],
    subscriptionId: row.subscription_id as string,
    resourceType: (row.resource_type as string | null) ?? null,
    resourceId: (row.resource_id as string | null) ?? null,
    versionId: row.version_id == null ? null : Number(row.version_id),
    status: row.status as SubscriptionDelivery['status'],
    attempts: Number(row.attempts),
    lastError: (row.last_error as string | null) ?? null,
  };
}

export async function recordAttempt(
  db: Queryable,
  tenantId: string,
  id: string,
  outcome: { delivered: boolean; error?: string | undefined; retryAt?: Date | undefined; at: Date },
): Promise<void> {
  await db.query(
    `UPDATE fhir_subscription_delivery SET attempts = attempts + 1, last_error = $3,
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
    ],
  );
}
