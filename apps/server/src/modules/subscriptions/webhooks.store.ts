import type { Queryable } from '../../platform/db';

/** SQL of webhooks: integrators' endpoints and the log of every delivery. */

export interface EndpointRow {
  id: string;
  url: string;
  sealedSecret: string;
  eventTypes: string[];
  description: string | null;
  createdAt: string;
}

const iso = (value: unknown): string | null => (value == null ? null : new Date(value as string).toISOString());

function endpointOf(row: Record<string, unknown>): EndpointRow {
  return {
    id: row.id as string,
    url: row.url as string,
    sealedSecret: row.secret as string,
    eventTypes: (typeof row.event_types === 'string' ? JSON.parse(row.event_types) : row.event_types) as string[],
    description: (row.description as string | null) ?? null,
    createdAt: iso(row.created_at)!,
  };
}

export async function insertEndpoint(
  db: Queryable,
  tenantId: string,
  endpoint: EndpointRow,
  createdBy: string,
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_endpoint (tenant_id, id, url, secret, event_types, description, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
    [
      tenantId,
      endpoint.id,
      endpoint.url,
      endpoint.sealedSecret,
      JSON.stringify(endpoint.eventTypes),
      endpoint.description,
      endpoint.createdAt,
      createdBy,
    ],
  );
}

export async function listEndpoints(db: Queryable, tenantId: string): Promise<EndpointRow[]> {
  const result = await db.query(
    `SELECT id, url, secret, event_types, description, created_at FROM webhook_endpoint
     WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
    [tenantId],
  );
  return result.rows.map(endpointOf);
}

export async function readEndpoint(db: Queryable, tenantId: string, id: string): Promise<EndpointRow | undefined> {
  const result = await db.query(
    `SELECT id, url, secret, event_types, description, created_at FROM webhook_endpoint
     WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [tenantId, id],
  );
  return result.rows[0] ? endpointOf(result.rows[0]) : undefined;
}

/** Deleted endpoints stay (their delivery log keeps its meaning) but receive nothing more. */
export async function deleteEndpoint(db: Queryable, tenantId: string, id: string, at: Date): Promise<boolean> {
  const result = await db.query(
    `UPDATE webhook_endpoint SET deleted_at = $3 WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [tenantId, id, at.toISOString()],
  );
  return result.rowCount > 0;
}

export async function insertDelivery(
  db: Queryable,
  tenantId: string,
  delivery: { id: string; endpointId: string; eventId: string; eventType: string; payload: string; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_delivery (tenant_id, id, endpoint_id, event_id, event_type, payload, status, next_attempt_at,
       created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7)
     ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING`,
    [
      tenantId,
      delivery.id,
      delivery.endpointId,
      delivery.eventId,
      delivery.eventType,
      delivery.payload,
      delivery.at.toISOString(),
    ],
  );
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const DELIVERY_COLUMNS = `id, endpoint_id, event_id, event_type, payload, status, attempts, next_attempt_at, last_status,
  last_error, created_at, delivered_at`;

function deliveryOf(row: Record<string, unknown>): DeliveryRow {
  return {
    id: row.id as string,
    endpointId: row.endpoint_id as string,
    eventId: row.event_id as string,
    eventType: row.event_type as string,
    payload: row.payload as string,
    status: row.status as DeliveryRow['status'],
    attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at),
    lastStatus: row.last_status == null ? null : Number(row.last_status),
    lastError: (row.last_error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    deliveredAt: iso(row.delivered_at),
  };
}

export async function readDelivery(db: Queryable, tenantId: string, id: string): Promise<DeliveryRow | undefined> {
  const result = await db.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return result.rows[0] ? deliveryOf(result.rows[0]) : undefined;
}

export async function listDeliveries(
  db: Queryable,
  tenantId: string,
  endpointId: string,
  limit: number,
): Promise<DeliveryRow[]> {
  const result = await db.query(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE tenant_id = $1 AND endpoint_id = $2
     ORDER BY created_at DESC, id LIMIT $3`,
    [tenantId, endpointId, limit],
  );
  return result.rows.map(deliveryOf);
}
