import type { Database } from '../../platform/db';

/**
 * Removes events older than `before` that every subscriber of this process has passed and none holds as
 * a dead letter or a pending retry, with their delivery rows, in one statement (as the schema owner: the
 * application role may not delete from the outbox). Returns how many events went.
 */
export async function purgeDeliveredEvents(db: Database, before: Date, subscribers: string[]): Promise<number> {
  if (subscribers.length === 0) return 0;
  const result = await db.asOwner((q) =>
    q.query<{ removed: number }>(
      `WITH gone AS (
         DELETE FROM event_outbox o
          WHERE o.occurred_at < $1::timestamptz
            AND o.seq <= coalesce((SELECT min(s.position) FROM event_subscription s
                                    WHERE s.tenant_id = o.tenant_id AND s.subscriber = ANY($2::text[])
                                   HAVING count(*) = cardinality($2::text[])), 0)
            AND NOT EXISTS (SELECT 1 FROM event_delivery d
                             WHERE d.tenant_id = o.tenant_id AND d.event_seq = o.seq AND d.status <> 'done')
          RETURNING o.tenant_id, o.seq
       ), deliveries AS (
         DELETE FROM event_delivery d USING gone WHERE d.tenant_id = gone.tenant_id AND d.event_seq = gone.seq
       )
       SELECT count(*)::integer AS removed FROM gone`,
      [before.toISOString(), subscribers],
    ),
  );
  return Number(result.rows[0]?.removed ?? 0);
}
