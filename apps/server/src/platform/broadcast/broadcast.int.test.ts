import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { withDatabase } from '../../../test/test-database';
import { type Broadcast, LocalBroadcast, NatsBroadcast, PostgresBroadcast } from '.';
import { BROADCAST_APPLICATION } from './postgres-broadcast';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
// The server's maintenance database: TEST_DATABASE_URL names a server (its own database may not exist).
const POSTGRES_URL = process.env.TEST_DATABASE_URL && withDatabase(process.env.TEST_DATABASE_URL, 'postgres');
const log = { warn: () => {} };

const open: Broadcast[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((broadcast) => broadcast.close()));
});

async function started<T extends Broadcast>(broadcast: T): Promise<T> {
  open.push(broadcast);
  await broadcast.start();
  return broadcast;
}

async function until(probe: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Two processes' worth: what one says, both hear, on its topic only. */
async function saysToBoth(first: Broadcast, second: Broadcast): Promise<void> {
  const topic = `t${Math.random().toString(36).slice(2, 10)}`;
  const heard: Record<'first' | 'second' | 'other', string[]> = { first: [], second: [], other: [] };
  first.subscribe(topic, (message) => heard.first.push(message));
  second.subscribe(topic, (message) => heard.second.push(message));
  const stop = second.subscribe(`${topic}-other`, (message) => heard.other.push(message));
  await first.publish(topic, 'one');
  await second.publish(topic, 'two');
  await until(() => heard.first.length === 2 && heard.second.length === 2);
  expect(heard.first.sort()).toEqual(['one', 'two']);
  expect(heard.second.sort()).toEqual(['one', 'two']);
  expect(heard.other).toEqual([]);
  stop();
  await expect(first.publish('Not A Topic', 'x')).rejects.toThrow(/lower-case/);
}

describe('broadcast', () => {
  it('in one process: saying is hearing, and a failing handler does not silence the others', async () => {
    const errors: unknown[] = [];
    const local = await started(new LocalBroadcast((error) => errors.push(error)));
    const heard: string[] = [];
    local.subscribe('news', () => {
      throw new Error('handler broke');
    });
    local.subscribe('news', (message) => heard.push(message));
    await local.publish('news', 'hello');
    await until(() => heard.length === 1);
    expect(heard).toEqual(['hello']);
    expect(errors).toHaveLength(1);
    await saysToBoth(local, local);
  });

  it('over NATS: every process hears what any says', async () => {
    const first = await started(new NatsBroadcast(NATS_URL, log));
    const second = await started(new NatsBroadcast(NATS_URL, log));
    await saysToBoth(first, second);
  });

  it.runIf(POSTGRES_URL)(
    'over PostgreSQL: every process hears, too-large messages are refused, a lost connection comes back',
    async () => {
      const url = POSTGRES_URL!;
      const first = await started(new PostgresBroadcast(url, log));
      const second = await started(new PostgresBroadcast(url, log));
      await saysToBoth(first, second);
      await expect(first.publish('big', 'x'.repeat(8000))).rejects.toThrow(/too large/);

      // Many at once on the one connection: each sent in turn, all heard, no overlapping statements.
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on('warning', onWarning);
      const burst: string[] = [];
      second.subscribe('burst', (message) => burst.push(message));
      await Promise.all(Array.from({ length: 25 }, (_, n) => first.publish('burst', String(n))));
      await until(() => burst.length === 25);
      process.off('warning', onWarning);
      expect(burst.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, n) => n));
      expect(warnings.filter((message) => /already executing a query/.test(message))).toEqual([]);

      // An administrator (or a failover) ends the listening connections; each process opens a new one.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND application_name = $1 AND datname = current_database()`,
          [BROADCAST_APPLICATION],
        );
        expect(killed.rowCount).toBeGreaterThanOrEqual(2);
      } finally {
        await admin.end();
      }
      const heard: string[] = [];
      second.subscribe('after-reconnect', (message) => heard.push(message));
      const deadline = Date.now() + 10_000;
      while (heard.length === 0 && Date.now() < deadline) {
        await first.publish('after-reconnect', 'back').catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(heard[0]).toBe('back');
    },
  );
});
