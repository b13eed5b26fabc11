import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-app';
import { onServer, uniqueDatabaseName, withDatabase } from '../test-database';
import { startServerProcess } from './server-process';

/**
 * A server killed (SIGKILL) after committing a change and before delivering its event: the event waits in
 * the outbox, and the next server delivers it, once in effect (JetStream keeps one message per event id).
 */
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
// A tenant of this run only, so the shared stream holds no messages of earlier runs on its subjects.
const tenant = randomUUID();
let dataDir: string;
const env: Record<string, string> = {};
let dropDatabase: (() => Promise<void>) | undefined;
let nc: NatsConnection;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-events-kill-'));
  Object.assign(env, {
    DATA_DIR: dataDir,
    AUTH_REQUIRED: 'false',
    BOOTSTRAP_ADMIN: 'false',
    MERIDIAN_DEFAULT_TENANT: tenant,
    NATS_URL,
    EVENTS_POLL_MS: '50',
  });
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = uniqueDatabaseName(url);
    await onServer(url, (client) => client.query(`CREATE DATABASE ${name}`));
    env.DATABASE_URL = withDatabase(url, name);
    dropDatabase = async () => {
      await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    };
  }
  await (await createTestDatabase()).drop();
  nc = await connect({ servers: NATS_URL });
});

afterAll(async () => {
  await nc?.drain();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase?.();
});

async function streamMessages(): Promise<{ id: string; type: string; data: { patientId?: string } }[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams
    .info('MERIDIAN_EVENTS', { subjects_filter: `meridian.${tenant}.>` })
    .catch(() => undefined);
  const total = Object.values(info?.state.subjects ?? {}).reduce((sum, count) => sum + count, 0);
  if (total === 0) return [];
  const consumer = await jetstream(nc).consumers.get('MERIDIAN_EVENTS', { filter_subjects: `meridian.${tenant}.>` });
  const messages: { id: string; type: string; data: { patientId?: string } }[] = [];
  for await (const message of await consumer.fetch({ max_messages: total, expires: 3000 })) {
    messages.push(message.json());
    if (messages.length === total) break;
  }
  return messages;
}

/** startServerProcess gives up waiting after 60 s; a loaded machine can take longer to boot. */
async function start(extra: Record<string, string> = {}) {
  const server = await startServerProcess({ ...env, ...extra });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = await fetch(`${server.url}/readyz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return server;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      await server.stop('SIGKILL');
      throw new Error(`server did not start: ${server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function createPatient(url: string): Promise<string> {
  const res = await fetch(`${url}/fhir/R4/Patient`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Killed' }] }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('domain events across a crash', () => {
  it('delivers an event committed by a killed server once, from the next server', async () => {
    // The first server commits the change and its event, and is killed before delivering anything.
    const first = await start({ EVENTS_DISPATCH: 'false' });
    let patientId: string;
    try {
      patientId = await createPatient(first.url);
    } finally {
      await first.stop('SIGKILL');
    }
    expect(await streamMessages()).toEqual([]);

    const second = await start();
    let laterId: string;
    try {
      const deadline = Date.now() + 20_000;
      while ((await streamMessages()).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      laterId = await createPatient(second.url);
      while ((await streamMessages()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await second.stop('SIGKILL');
    }
    const delivered = await streamMessages();
    expect(delivered.map((message) => [message.type, message.data.patientId])).toEqual([
      ['patient.registered', patientId],
      ['patient.registered', laterId],
    ]);

    // A third server finds nothing left to deliver: the stream still holds one message per event.
    const third = await start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await third.stop('SIGTERM');
    }
    const after = await streamMessages();
    expect(after).toHaveLength(2);
    expect(new Set(after.map((message) => message.id)).size).toBe(2);
  }, 420_000);
});
