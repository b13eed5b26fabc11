import type { Queryable } from '../../platform/db';
import { eventOf } from './events.store';
import type { StoredEvent } from './events.types';

export interface DeadLetter {
  id: string;
  subscriber: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  event: StoredEvent;
}

export async function listDeadLetters(
  db: Queryable,
  tenantId: string,
  subscriber: string | undefined,
  limit: number,
): Promise<DeadLetter[]> {
  const params: unknown[] = [tenantId, limit];
  if (subscriber) params.push(subscriber);
  const result = await db.query<{
    delivery_id: string;
    subscriber: string;
    attempts: number;
    last_error: string | null;
    updated_at: string;
    id: string;
    seq: number;
    type: string;
    version: number;
    aggregate_type: string;
    aggregate_id: string;
    data: Record<string, unknown>;
    occurred_at: string;
  }>(
    `SELECT d.id AS delivery_id, d.subscriber, d.attempts, d.last_error, d.updated_at,
            o.id, o.seq, o.type, o.version, o.aggregate_type, o.aggregate_id, o.data, o.occurred_at
       FROM event_delivery d
       JOIN event_outbox o ON o.tenant_id = d.tenant_id AND o.seq = d.event_seq
      WHERE d.tenant_id = $1 AND d.status = 'dead' ${subscriber ? 'AND d.subscriber = $3' : ''}
      ORDER BY d.updated_at DESC, d.event_seq DESC
      LIMIT $2`,
    params,
  );
  return result.rows.map((row) => ({
    id: row.delivery_id,
    subscriber: row.subscriber,
    attempts: row.attempts,
    lastError: row.last_error,
    failedAt: new Date(row.updated_at).toISOString(),
    event: eventOf(row),
  }));
}

/**
 * Puts a dead letter back in its subscriber's queue with fresh attempts. Returns its subscriber and event
 * type, or undefined if there is no dead letter by that id.
 */
export async function replayDeadLetter(
  db: Queryable,
  tenantId: string,
  id: string,
  now: string,
): Promise<{ subscriber: string; type: string } | undefined> {
  const result = await db.query<{ subscriber: string; type: string }>(
    `UPDATE event_delivery d
        SET status = 'retry', attempts = 0, next_attempt_at = $3::timestamptz, updated_at = $3::timestamptz
       FROM event_outbox o
      WHERE d.tenant_id = $1 AND d.id = $2 AND d.status = 'dead' AND o.tenant_id = d.tenant_id AND o.seq = d.event_seq
      RETURNING d.subscriber, o.type`,
    [tenantId, id, now],
  );
  return result.rows[0];
}
