// Domain events benchmark: events per second through the transactional outbox, on PGlite and PostgreSQL.
// Usage: node bench/events.mjs [--engine pglite|postgres|both] [--events 5000] [--concurrency 16]
//                              [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--nats nats://127.0.0.1:4222]
// Runs the outbox and the dispatcher in this process (no HTTP) on a fresh, migrated database:
//   publish          one event per transaction, `concurrency` transactions at a time (dispatch off);
//   publish x10      ten events per transaction;
//   end to end       publish with the dispatcher running and a no-op subscriber: events/s delivered and
//                    the time from commit to delivery (p50, p99);
//   to NATS          the same with the JetStream subscriber (when --nats is given and reachable).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { register } from 'tsx/esm/api';

register();
const { createPgliteDatabase, createPostgresDatabase, migrate } = await import(
  '../apps/server/src/platform/db/index.ts'
);
const { OutboxEventBus } = await import('../apps/server/src/modules/events/events.bus.ts');
const { EventDispatcher } = await import('../apps/server/src/modules/events/events.dispatcher.ts');
const { NatsEventSink } = await import('../apps/server/src/modules/events/events.nats.ts');

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    nats: { type: 'string' },
  },
});
const total = Number(values.events);
const concurrency = Number(values.concurrency);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];

console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

async function openEngine(engine) {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-events-'));
    const db = await createPgliteDatabase({ dataDir: dir });
    return { db, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `meridian_bench_events_${Date.now()}`;
  const server = values.postgres.replace(/\/[^/]*$/, '/postgres');
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = createPostgresDatabase({ url: values.postgres.replace(/\/[^/]*$/, `/${name}`), poolSize: 16 });
  return {
    db,
    cleanup: async () => {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Runs `count` jobs, `concurrency` at a time. */
async function pool(count, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const event = (i) => ({
  type: 'encounter.finished',
  aggregate: { type: 'Encounter', id: `e${i % 500}` },
  data: { encounterId: `e${i % 500}`, patientId: `p${i % 500}`, class: 'AMB' },
});

for (const engine of engines) {
  const { db, cleanup } = await openEngine(engine);
  try {
    await migrate(db);
    const tenant = randomUUID();
    await db.asOwner((q) => q.query('INSERT INTO tenant (id, name) VALUES ($1, $2)', [tenant, 'Bench clinic']));
    const bus = new OutboxEventBus({});

    let started = performance.now();
    await pool(total, (i) => db.transaction(tenant, (tx) => bus.publish(tx, tenant, event(i))));
    let seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        engine,
        name: 'publish (1 event per transaction)',
        eventsPerSecond: Math.round(total / seconds),
      }),
    );

    started = performance.now();
    await pool(total / 10, (i) =>
      db.transaction(tenant, async (tx) => {
        for (let k = 0; k < 10; k += 1) await bus.publish(tx, tenant, event(i * 10 + k));
      }),
    );
    seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        engine,
        name: 'publish (10 events per transaction)',
        eventsPerSecond: Math.round(total / seconds),
      }),
    );

    // Catch-up: a subscriber registered now delivers the backlog (2 × total events).
    const backlog = 2 * total;
    let delivered = 0;
    const catchUp = new OutboxEventBus({});
    catchUp.subscribe('bench-backlog', ['*'], async () => {
      delivered += 1;
    });
    const drainer = new EventDispatcher({ db, subscribers: catchUp.subscribers, listTenants: async () => [tenant] });
    started = performance.now();
    while (delivered < backlog) await drainer.drain();
    seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({
        engine,
        name: 'deliver a backlog (no-op subscriber)',
        eventsPerSecond: Math.round(backlog / seconds),
      }),
    );

    const sinks = [['end to end (no-op subscriber)', async () => {}]];
    let nats;
    if (values.nats) {
      nats = new NatsEventSink(values.nats);
      sinks.push(['end to end (JetStream subscriber)', (e, t) => nats.handle(e, t)]);
    }
    for (const [name, handler] of sinks) {
      const live = new OutboxEventBus({});
      const committedAt = new Map();
      const deliveredAt = new Map();
      const subscriber = `bench-${randomUUID().slice(0, 8)}`;
      // Start past what is already there: only this run's events count.
      await db.withTenant(tenant, (q) =>
        q.query(
          'INSERT INTO event_subscription (tenant_id, subscriber, position) SELECT $1, $2, last_value FROM event_counter WHERE tenant_id = $1',
          [tenant, subscriber],
        ),
      );
      live.subscribe(subscriber, ['*'], async (stored, tenantId) => {
        await handler(stored, tenantId);
        // The delivery may come before the publishing call has returned: compare once both are known.
        deliveredAt.set(stored.data.n, performance.now());
      });
      const dispatcher = new EventDispatcher({
        db,
        subscribers: live.subscribers,
        pollMs: 200,
        listTenants: async () => [tenant],
      });
      live.onPublish((t) => dispatcher.nudge(t));
      dispatcher.start();
      started = performance.now();
      await pool(total, async (i) => {
        await db.transaction(tenant, (tx) =>
          live.publish(tx, tenant, { ...event(i), data: { ...event(i).data, n: i } }),
        );
        committedAt.set(i, performance.now());
      });
      while (deliveredAt.size < total) await new Promise((resolve) => setTimeout(resolve, 5));
      seconds = (performance.now() - started) / 1000;
      await dispatcher.stop();
      const latencies = [...deliveredAt].map(([n, at]) => Math.max(0, at - committedAt.get(n))).sort((a, b) => a - b);
      console.log(
        JSON.stringify({
          engine,
          name,
          eventsPerSecond: Math.round(total / seconds),
          commitToDeliveryMs: {
            p50: Math.round(percentile(latencies, 50)),
            p99: Math.round(percentile(latencies, 99)),
          },
        }),
      );
    }
    await nats?.close();
  } finally {
    await db.close();
    await cleanup();
  }
}
