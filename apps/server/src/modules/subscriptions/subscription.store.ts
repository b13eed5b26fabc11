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
