import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../../test/test-app';
import { onServer, uniqueDatabaseName, withDatabase } from '../../../test/test-database';
import { createPostgresDatabase, type Database } from '../../platform/db';
import { OutboxEventBus } from './events.bus';
import { EventDispatcher } from './events.dispatcher';
import { listenForEvents } from './events.listen';
import { purgeDeliveredEvents } from './events.retention';

/** Two dispatchers on one database stand for two server processes. */
let db: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
});
afterAll(async () => drop?.());

async function newTenant(): Promise<string> {
  const tenant = randomUUID();
  await db.asOwner((q) => q.query('INSERT INTO tenant (id, name) VALUES ($1, $2)', [tenant, 'Dispatch clinic']));
  return tenant;
}

async function waitFor(probe: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('dispatchers in several processes', () => {
  it('deliver each event once, never one aggregate in two places at once, in order per aggregate', async () => {
    const tenant = await newTenant();
    const delivered: { by: string; aggregate: string; n: number }[] = [];
    const inFlight = new Set<string>();
    let overlaps = 0;
    const dispatchers = ['one', 'two'].map((name) => {
      const bus = new OutboxEventBus();
      bus.subscribe('shared', ['test.step'], async (event) => {
        const key = event.aggregate.id;
        if (inFlight.has(key)) overlaps += 1;
        inFlight.add(key);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        inFlight.delete(key);
        delivered.push({ by: name, aggregate: key, n: event.data.n as number });
      });
      return new EventDispatcher({ db, subscribers: bus.subscribers, pollMs: 10, listTenants: async () => [tenant] });
    });
    const publisher = new OutboxEventBus();
    for (let n = 0; n < 60; n += 1) {
      await db.transaction(tenant, (tx) =>
        publisher.publish(tx, tenant, {
          type: 'test.step',
          aggregate: { type: 'Thing', id: `t${n % 6}` },
          data: { n },
        }),
      );
    }
    for (const dispatcher of dispatchers) dispatcher.start();
    try {
      await waitFor(() => delivered.length >= 60);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()));
    }
    expect(delivered).toHaveLength(60);
    expect(overlaps).toBe(0);
    for (let a = 0; a < 6; a += 1) {
      const ns = delivered.filter((entry) => entry.aggregate === `t${a}`).map((entry) => entry.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
    }
  });

  it('takes over the work of a process that died holding the lease once the lease expires', async () => {
    const tenant = await newTenant();
    const publisher = new OutboxEventBus();
    await db.transaction(tenant, (tx) =>
      publisher.publish(tx, tenant, { type: 'test.orphan', aggregate: { type: 'Thing', id: 'o1' }, data: {} }),
    );
    // A process that claimed the deliveries and was killed: its lease runs 600 ms more.
    await db.withTenant(tenant, (q) =>
      q.query(
        `INSERT INTO event_subscription (tenant_id, subscriber, position, lease_owner, lease_until)
         VALUES ($1, 'orphans', 0, 'killed-process', now() + interval '600 milliseconds')`,
        [tenant],
      ),
    );
    const bus = new OutboxEventBus();
    const seenAt: number[] = [];
    bus.subscribe('orphans', ['test.orphan'], async () => {
      seenAt.push(Date.now());
    });
    const dispatcher = new EventDispatcher({
      db,
      subscribers: bus.subscribers,
      pollMs: 20,
      listTenants: async () => [tenant],
    });
    const startedAt = Date.now();
    dispatcher.start();
    try {
      await waitFor(() => seenAt.length > 0);
    } finally {
      await dispatcher.stop();
    }
    expect(seenAt).toHaveLength(1);
    expect(seenAt[0]! - startedAt).toBeGreaterThanOrEqual(400);
  });

  it('counts a handler that never settles as a failed attempt', async () => {
    const tenant = await newTenant();
    const publisher = new OutboxEventBus();
    await db.transaction(tenant, (tx) =>
      publisher.publish(tx, tenant, { type: 'test.stuck', aggregate: { type: 'Thing', id: 's1' }, data: {} }),
    );
    const bus = new OutboxEventBus();
    bus.subscribe('stuck', ['test.stuck'], () => new Promise<void>(() => {}));
    const dispatcher = new EventDispatcher({
      db,
      subscribers: bus.subscribers,
      handlerTimeoutMs: 50,
      listTenants: async () => [tenant],
    });
    await dispatcher.drain();
    const rows = await db.withTenant(tenant, (q) =>
      q.query<{ status: string; attempts: number; last_error: string }>(
        'SELECT status, attempts, last_error FROM event_delivery WHERE tenant_id = $1',
        [tenant],
      ),
    );
    expect(rows.rows).toEqual([{ status: 'retry', attempts: 1, last_error: 'handler did not finish within 50 ms' }]);
  });

  it("gives up after the subscriber's own number of attempts when it names one", async () => {
    const tenant = await newTenant();
    const publisher = new OutboxEventBus();
    await db.transaction(tenant, (tx) =>
      publisher.publish(tx, tenant, { type: 'test.once', aggregate: { type: 'Thing', id: 'x1' }, data: {} }),
    );
    const bus = new OutboxEventBus();
    bus.subscribe('impatient', ['test.once'], async () => Promise.reject(new Error('no')), { maxAttempts: 1 });
    bus.subscribe('patient-one', ['test.once'], async () => Promise.reject(new Error('no')));
    const dispatcher = new EventDispatcher({
      db,
      subscribers: bus.subscribers,
      maxAttempts: 5,
      listTenants: async () => [tenant],
    });
    await dispatcher.drain();
    const rows = await db.withTenant(tenant, (q) =>
      q.query<{ subscriber: string; status: string }>(
        'SELECT subscriber, status FROM event_delivery WHERE tenant_id = $1 ORDER BY subscriber',
        [tenant],
      ),
    );
    expect(rows.rows).toEqual([
      { subscriber: 'impatient', status: 'dead' },
      { subscriber: 'patient-one', status: 'retry' },
    ]);
    expect(() => bus.subscribe('zero', [], async () => {}, { maxAttempts: 0 })).toThrow(/maxAttempts/);
  });

  it('purges old events every subscriber has passed, keeping dead letters and pending retries', async () => {
    const tenant = await newTenant();
    const publisher = new OutboxEventBus();
    for (let n = 1; n <= 5; n += 1) {
      await db.transaction(tenant, (tx) =>
        publisher.publish(tx, tenant, { type: 'test.old', aggregate: { type: 'Thing', id: `p${n}` }, data: { n } }),
      );
    }
    const bus = new OutboxEventBus();
    bus.subscribe('keeper-a', ['test.old'], async () => {});
    bus.subscribe('keeper-b', ['test.old'], async (event) => {
      if (event.data.n === 2) throw new Error('refused');
    });
    const dispatcher = new EventDispatcher({
      db,
      subscribers: bus.subscribers,
      maxAttempts: 1,
      listTenants: async () => [tenant],
    });
    await dispatcher.drain();
    // Events 1 to 4 are old; 5 is recent.
    await db.asOwner((q) =>
      q.query(`UPDATE event_outbox SET occurred_at = now() - interval '40 days' WHERE tenant_id = $1 AND seq <= 4`, [
        tenant,
      ]),
    );
    const before = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    // A subscriber that has not caught up in this tenant holds everything back.
    expect(await purgeDeliveredEvents(db, before, ['keeper-a', 'keeper-b', 'never-ran'])).toBe(0);
    expect(await purgeDeliveredEvents(db, before, ['keeper-a', 'keeper-b'])).toBe(3);
    const left = await db.withTenant(tenant, (q) =>
      q.query<{ seq: number }>('SELECT seq FROM event_outbox WHERE tenant_id = $1 ORDER BY seq', [tenant]),
    );
    expect(left.rows.map((row) => row.seq)).toEqual([2, 5]);
    const deliveries = await db.withTenant(tenant, (q) =>
      q.query<{ event_seq: number; status: string }>(
        'SELECT event_seq, status FROM event_delivery WHERE tenant_id = $1 ORDER BY event_seq, subscriber',
        [tenant],
      ),
    );
    expect(deliveries.rows.map((row) => [row.event_seq, row.status])).toEqual([
      [2, 'done'],
      [2, 'dead'],
      [5, 'done'],
      [5, 'done'],
    ]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'wakes other processes at commit through LISTEN/NOTIFY (PostgreSQL)',
    async () => {
      const url = process.env.TEST_DATABASE_URL!;
      const name = uniqueDatabaseName(url);
      await onServer(url, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`));
      const databaseUrl = withDatabase(url, name);
      const pgDb = createPostgresDatabase({ url: databaseUrl, poolSize: 2 });
      const woken: string[] = [];
      const listener = await listenForEvents(databaseUrl, (tenantId) => woken.push(tenantId), { warn: () => {} });
      try {
        const tenant = randomUUID();
        await pgDb.asOwner((q) => q.query('INSERT INTO tenant (id, name) VALUES ($1, $2)', [tenant, 'Listen']));
        const bus = new OutboxEventBus({ notify: true });
        await pgDb.transaction(tenant, async (tx) => {
          await bus.publish(tx, tenant, { type: 'test.notified', aggregate: { type: 'Thing', id: 'n1' }, data: {} });
          await new Promise((resolve) => setTimeout(resolve, 200));
          // Not before the commit.
          expect(woken).toEqual([]);
        });
        await waitFor(() => woken.length > 0, 5000);
        expect(woken).toEqual([tenant]);
      } finally {
        await listener.close();
        await pgDb.close();
        await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    },
  );
});
