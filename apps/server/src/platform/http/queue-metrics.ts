import { Gauge, type Registry } from 'prom-client';

/** What the queue gauges report: counts across tenants, never a tenant's name or a patient's data. */
export interface QueueReading {
  events: { subscriber: string; lag: number; retrying: number; dead: number }[];
  deliveries: { queue: string; queued: number; overdue: number }[];
  broadcast: { transport: string; connected: boolean };
}

/**
 * Gauges of the work waiting in the database (event subscribers' lag, retries and dead letters; queued
 * notifications, webhook and Subscription deliveries) and of the broadcast between servers, read when
 * /metrics is scraped. A reading is reused for `cacheMs`, so frequent scrapes cost one set of small
 * queries at most that often; a failed reading leaves the gauges out rather than failing the scrape.
 */
export function registerQueueMetrics(registry: Registry, read: () => Promise<QueueReading>, cacheMs = 10_000): void {
  let cached: { at: number; reading: Promise<QueueReading | undefined> } | undefined;
  const reading = () => {
    if (!cached || Date.now() - cached.at > cacheMs) {
      cached = { at: Date.now(), reading: read().catch(() => undefined) };
    }
    return cached.reading;
  };
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, value: QueueReading) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const value = await reading();
        this.reset();
        if (value) fill(this, value);
      },
    });
  gauge(
    'meridian_events_lag',
    'Events published after each subscriber’s position, all tenants',
    ['subscriber'],
    (g, r) => {
      for (const row of r.events) g.set({ subscriber: row.subscriber }, row.lag);
    },
  );
  gauge('meridian_events_retrying', 'Event deliveries waiting for another attempt', ['subscriber'], (g, r) => {
    for (const row of r.events) g.set({ subscriber: row.subscriber }, row.retrying);
  });
  gauge('meridian_events_dead_letters', 'Event deliveries given up on', ['subscriber'], (g, r) => {
    for (const row of r.events) g.set({ subscriber: row.subscriber }, row.dead);
  });
  gauge('meridian_delivery_queued', 'Outgoing messages waiting to be sent, by queue', ['queue'], (g, r) => {
    for (const row of r.deliveries) g.set({ queue: row.queue }, row.queued);
  });
  gauge('meridian_delivery_overdue', 'Outgoing messages due for over a minute, by queue', ['queue'], (g, r) => {
    for (const row of r.deliveries) g.set({ queue: row.queue }, row.overdue);
  });
  gauge(
    'meridian_broadcast_connected',
    'Whether live updates reach the other servers (1) or not (0)',
    ['transport'],
    (g, r) => {
      g.set({ transport: r.broadcast.transport }, r.broadcast.connected ? 1 : 0);
    },
  );
}
