import type { Queryable } from '../../platform/db';
import type { StoredEvent } from './events.types';

interface EventRow {
  id: string;
  seq: number;
  type: string;
  version: number;
  aggregate_type: string;
  aggregate_id: string;
  data: Record<string, unknown>;
  occurred_at: string;
}

const EVENT_COLUMNS = 'o.id, o.seq, o.type, o.version, o.aggregate_type, o.aggregate_id, o.data, o.occurred_at';

export function eventOf(row: EventRow): StoredEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    type: row.type,
    version: row.version,
    aggregate: { type: row.aggregate_type, id: row.aggregate_id },
    data: row.data,
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}

export interface NewEvent {
  id: string;
  type: string;
  version: number;
  aggregateType: string;
  aggregateId: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** Takes the tenant's next sequence number and writes the event, in one statement on the caller's transaction. */
export function insertEvent(tx: Queryable, tenantId: string, event: NewEvent): Promise<number> {
  return insert(tx, tenantId, event, '');
}

/** The same, and a NOTIFY delivered to listening processes when the transaction commits. */
export function insertEventAndNotify(tx: Queryable, tenantId: string, event: NewEvent): Promise<number> {
  return insert(tx, tenantId, event, `, pg_notify('${EVENTS_CHANNEL}', $1::text)`);
}

export const EVENTS_CHANNEL = 'meridian_events';

async function insert(tx: Queryable, tenantId: string, event: NewEvent, notify: string): Promise<number> {
  const result = await tx.query<{ seq: number }>(
    `WITH next AS (
       INSERT INTO event_counter (tenant_id, last_value) VALUES ($1, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET last_value = event_counter.last_value + 1
       RETURNING last_value
     )
     INSERT INTO event_outbox (tenant_id, seq, id, type, version, aggregate_type, aggregate_id, data, occurred_at)
     SELECT $1, last_value, $2, $3, $4, $5, $6, $7::jsonb, $8::timestamptz FROM next
     RETURNING seq${notify}`,
    [
      tenantId,
      event.id,
      event.type,
      event.version,
      event.aggregateType,
      event.aggregateId,
      JSON.stringify(event.data),
      event.occurredAt,
    ],
  );
  return Number(result.rows[0]?.seq);
}

export interface EventFilter {
  type?: string | undefined;
  aggregateType?: string | undefined;
  aggregateId?: string | undefined;
  /** Only events after this sequence number. */
  after?: number | undefined;
  limit: number;
}

/** A tenant's events, newest first. */
export async function searchEvents(db: Queryable, tenantId: string, filter: EventFilter): Promise<StoredEvent[]> {
  const conditions = ['o.tenant_id = $1'];
  const params: unknown[] = [tenantId];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.type) add('o.type = ?', filter.type);
  if (filter.aggregateType) add('o.aggregate_type = ?', filter.aggregateType);
  if (filter.aggregateId) add('o.aggregate_id = ?', filter.aggregateId);
  if (filter.after !== undefined) add('o.seq > ?', filter.after);
  params.push(filter.limit);
  const result = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM event_outbox o WHERE ${conditions.join(' AND ')} ORDER BY o.seq DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(eventOf);
}

export interface SubscriptionState {
  subscriber: string;
  position: number;
  leaseOwner: string | null;
  leaseUntil: string | null;
  nextRetryAt: string | null;
}

/** The tenant's last sequence number and where each subscriber stands: enough to tell whether there is work. */
export async function readProgress(
  db: Queryable,
  tenantId: string,
): Promise<{ head: number; subscriptions: SubscriptionState[] }> {
  const head = await db.query<{ last_value: number }>('SELECT last_value FROM event_counter WHERE tenant_id = $1', [
    tenantId,
  ]);
  const subscriptions = await db.query<{
    subscriber: string;
    position: number;
    lease_owner: string | null;
    lease_until: string | null;
    next_retry_at: string | null;
  }>(
    `SELECT s.subscriber, s.position, s.lease_owner, s.lease_until,
            (SELECT min(d.next_attempt_at) FROM event_delivery d
              WHERE d.tenant_id = s.tenant_id AND d.status = 'retry' AND d.subscriber = s.subscriber) AS next_retry_at
       FROM event_subscription s WHERE s.tenant_id = $1`,
    [tenantId],
  );
  return {
    head: Number(head.rows[0]?.last_value ?? 0),
    subscriptions: subscriptions.rows.map((row) => ({
      subscriber: row.subscriber,
      position: Number(row.position),
      leaseOwner: row.lease_owner,
      leaseUntil: row.lease_until,
      nextRetryAt: row.next_retry_at,
    })),
  };
}

/**
 * Takes (or renews) the lease on a tenant's deliveries to one subscriber, creating its row on first use.
 * Returns its position when this process holds the lease, undefined when another process does.
 */
export async function claimLease(
  db: Queryable,
  tenantId: string,
  subscriber: string,
  owner: string,
  now: string,
  until: string,
): Promise<number | undefined> {
  await db.query(
    'INSERT INTO event_subscription (tenant_id, subscriber) VALUES ($1, $2) ON CONFLICT (tenant_id, subscriber) DO NOTHING',
    [tenantId, subscriber],
  );
  const result = await db.query<{ position: number }>(
    `UPDATE event_subscription SET lease_owner = $3, lease_until = $5::timestamptz
      WHERE tenant_id = $1 AND subscriber = $2
        AND (lease_owner IS NULL OR lease_owner = $3 OR lease_until IS NULL OR lease_until < $4::timestamptz)
      RETURNING position`,
    [tenantId, subscriber, owner, now, until],
  );
  return result.rows[0] === undefined ? undefined : Number(result.rows[0].position);
}

export async function releaseLease(db: Queryable, tenantId: string, subscriber: string, owner: string): Promise<void> {
  await db.query(
    `UPDATE event_subscription SET lease_owner = NULL, lease_until = NULL
      WHERE tenant_id = $1 AND subscriber = $2 AND lease_owner = $3`,
    [tenantId, subscriber, owner],
  );
}

export interface PendingEvent extends StoredEvent {
  attempts: number;
  /** Set when the event waits for a retry: not before this instant. */
  nextAttemptAt: string | null;
}

/**
 * The subscriber's next events in sequence order: those after its position it has not finished, and
 * earlier ones waiting for a retry (a replayed dead letter).
 */
export async function pendingEvents(
  db: Queryable,
  tenantId: string,
  subscriber: string,
  types: string[] | undefined,
  position: number,
  limit: number,
): Promise<PendingEvent[]> {
  const typeFilter = types ? 'AND o.type = ANY($5::text[])' : '';
  const params: unknown[] = [tenantId, subscriber, position, limit];
  if (types) params.push(types);
  // Two branches rather than one OR, so the first reads the outbox in key order from the position and
  // stops after `limit` rows (with an OR the whole outbox of the tenant was read on every look).
  const result = await db.query<EventRow & { attempts: number | null; next_attempt_at: string | null }>(
    `SELECT * FROM (
       (SELECT ${EVENT_COLUMNS}, d.attempts, d.next_attempt_at
          FROM event_outbox o
          LEFT JOIN event_delivery d ON d.tenant_id = o.tenant_id AND d.subscriber = $2 AND d.event_seq = o.seq
         WHERE o.tenant_id = $1 AND o.seq > $3 ${typeFilter}
           AND (d.status IS NULL OR d.status = 'retry')
         ORDER BY o.seq
         LIMIT $4)
       UNION ALL
       (SELECT ${EVENT_COLUMNS}, d.attempts, d.next_attempt_at
          FROM event_delivery d
          JOIN event_outbox o ON o.tenant_id = d.tenant_id AND o.seq = d.event_seq
         WHERE d.tenant_id = $1 AND d.subscriber = $2 AND d.status = 'retry' AND d.event_seq <= $3 ${typeFilter}
         ORDER BY o.seq
         LIMIT $4)
     ) pending
     ORDER BY seq
     LIMIT $4`,
    params,
  );
  return result.rows.map((row) => ({
    ...eventOf(row),
    attempts: row.attempts ?? 0,
    nextAttemptAt: row.next_attempt_at,
  }));
}

export interface DeliveryOutcome {
  status: 'done' | 'retry' | 'dead';
  attempts: number;
  lastError?: string | undefined;
  nextAttemptAt?: string | undefined;
}

export async function recordDelivery(
  db: Queryable,
  tenantId: string,
  subscriber: string,
  seq: number,
  id: string,
  outcome: DeliveryOutcome,
  now: string,
): Promise<void> {
  await db.query(
    `INSERT INTO event_delivery (tenant_id, id, subscriber, event_seq, status, attempts, last_error, next_attempt_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz)
     ON CONFLICT (tenant_id, subscriber, event_seq) DO UPDATE
       SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
           next_attempt_at = EXCLUDED.next_attempt_at, updated_at = EXCLUDED.updated_at`,
    [
      tenantId,
      id,
      subscriber,
      seq,
      outcome.status,
      outcome.attempts,
      outcome.lastError ?? null,
      outcome.nextAttemptAt ?? null,
      now,
    ],
  );
}

/** Marks a batch of events done for a subscriber in one statement. */
export async function recordDone(
  db: Queryable,
  tenantId: string,
  subscriber: string,
  done: { seq: number; attempts: number }[],
  now: string,
): Promise<void> {
  if (done.length === 0) return;
  await db.query(
    `INSERT INTO event_delivery (tenant_id, id, subscriber, event_seq, status, attempts, updated_at)
     SELECT $1, gen_random_uuid(), $2, d.seq, 'done', d.attempts, $3::timestamptz
       FROM unnest($4::bigint[], $5::integer[]) AS d(seq, attempts)
     ON CONFLICT (tenant_id, subscriber, event_seq) DO UPDATE
       SET status = 'done', attempts = EXCLUDED.attempts, last_error = NULL, next_attempt_at = NULL,
           updated_at = EXCLUDED.updated_at`,
    [tenantId, subscriber, now, done.map((entry) => entry.seq), done.map((entry) => entry.attempts)],
  );
}

/**
 * Moves the subscriber's position up to just before its first unfinished event (matching its types), so
 * later scans start there. The first one is found walking the outbox in key order (a `min()` over the join
 * read every later event, seconds behind a bulk load).
 */
export async function advancePosition(
  db: Queryable,
  tenantId: string,
  subscriber: string,
  types: string[] | undefined,
  position: number,
): Promise<number> {
  const typeFilter = types ? 'AND o.type = ANY($4::text[])' : '';
  const params: unknown[] = [tenantId, subscriber, position];
  if (types) params.push(types);
  const result = await db.query<{ position: number }>(
    `UPDATE event_subscription s SET position = greatest(s.position, coalesce(
        (SELECT o.seq - 1 FROM event_outbox o
          LEFT JOIN event_delivery d ON d.tenant_id = o.tenant_id AND d.subscriber = $2 AND d.event_seq = o.seq
          WHERE o.tenant_id = $1 AND o.seq > $3 ${typeFilter} AND (d.status IS NULL OR d.status = 'retry')
          ORDER BY o.seq LIMIT 1),
        (SELECT c.last_value FROM event_counter c WHERE c.tenant_id = $1),
        s.position))
      WHERE s.tenant_id = $1 AND s.subscriber = $2
      RETURNING s.position`,
    params,
  );
  return Number(result.rows[0]?.position ?? position);
}
