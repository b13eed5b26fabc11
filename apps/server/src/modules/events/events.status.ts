import type { Queryable } from '../../platform/db';

export interface SubscriberStatus {
  subscriber: string;
  /** Events published after the subscriber's position, summed over tenants: how far behind it is. */
  lag: number;
  /** Deliveries waiting for another attempt. */
  retrying: number;
  /** Deliveries given up on (GET /events/dead-letters). */
  dead: number;
}

/**
 * How each subscriber of the outbox is doing across tenants (as the schema owner). Cheap on purpose:
 * one row per tenant and subscriber for the lag, and the (tenant, status) index for retries and dead
 * letters, so a metrics scrape never reads the outbox itself.
 */
export async function subscriberStatus(owner: Queryable, subscribers: string[]): Promise<SubscriberStatus[]> {
  if (subscribers.length === 0) return [];
  const lag = await owner.query<{ subscriber: string; lag: number }>(
    `SELECT s.name AS subscriber, coalesce(sum(c.last_value - coalesce(p.position, 0)), 0)::bigint AS lag
       FROM unnest($1::text[]) AS s(name)
       CROSS JOIN event_counter c
       LEFT JOIN event_subscription p ON p.tenant_id = c.tenant_id AND p.subscriber = s.name
      GROUP BY s.name`,
    [subscribers],
  );
  const failures = await owner.query<{ subscriber: string; status: string; count: number }>(
    `SELECT d.subscriber, d.status, count(*)::integer AS count
       FROM event_counter c
       JOIN event_delivery d ON d.tenant_id = c.tenant_id AND d.status IN ('retry', 'dead')
      GROUP BY d.subscriber, d.status`,
  );
  return subscribers.map((subscriber) => {
    const of = (status: string) =>
      failures.rows.find((row) => row.subscriber === subscriber && row.status === status)?.count ?? 0;
    return {
      subscriber,
      lag: Number(lag.rows.find((row) => row.subscriber === subscriber)?.lag ?? 0),
      retrying: of('retry'),
      dead: of('dead'),
    };
  });
}
