import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';
import { NATS_STREAM, NatsEventSink, natsSubject } from './events.nats';
import type { StoredEvent } from './events.types';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

let app: TestApp;
let nc: NatsConnection;

beforeAll(async () => {
  app = await createTestApp({ natsUrl: NATS_URL, eventsPollMs: 20 });
  nc = await connect({ servers: NATS_URL });
});
afterAll(async () => {
  await app?.close();
  await nc?.drain();
});

/** Messages of one tenant in the stream, per subject. */
async function countsFor(tenantId: string): Promise<Record<string, number>> {
  const jsm = await jetstreamManager(nc);
  // The stream appears with the first delivery.
  const info = await jsm.streams
    .info(NATS_STREAM, { subjects_filter: `meridian.${tenantId}.>` })
    .catch(() => undefined);
  return info?.state.subjects ?? {};
}

async function messagesFor(tenantId: string, count: number): Promise<Record<string, unknown>[]> {
  const consumer = await jetstream(nc).consumers.get(NATS_STREAM, { filter_subjects: `meridian.${tenantId}.>` });
  const messages: Record<string, unknown>[] = [];
  const batch = await consumer.fetch({ max_messages: count, expires: 3000 });
  for await (const message of batch) {
    messages.push({ subject: message.subject, ...(message.json() as Record<string, unknown>) });
    if (messages.length === count) break;
  }
  return messages;
}

async function waitFor(probe: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('NATS JetStream', () => {
  it('copies each committed event to MERIDIAN_EVENTS as meridian.<tenant>.<type>, in order', async () => {
    const tenant = newTenantId();
    await app.tenants.ensure(tenant, 'NATS tenant');
    for (let n = 1; n <= 3; n += 1) {
      await app.db.transaction(tenant, (tx) =>
        app.events.publish(tx, tenant, {
          type: n === 2 ? 'bed.freed' : 'bed.occupied',
          aggregate: { type: 'Location', id: 'bed-1' },
          data: { bedId: 'bed-1', n },
        }),
      );
    }
    await expect(
      app.db.transaction(tenant, async (tx) => {
        await app.events.publish(tx, tenant, { type: 'bed.freed', aggregate: { type: 'Location', id: 'x' }, data: {} });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow();
    await waitFor(async () => Object.values(await countsFor(tenant)).reduce((a, b) => a + b, 0) >= 3);
    const messages = await messagesFor(tenant, 3);
    expect(messages.map((message) => [message.subject, (message.data as { n: number }).n, message.seq])).toEqual([
      [natsSubject(tenant, 'bed.occupied'), 1, 1],
      [natsSubject(tenant, 'bed.freed'), 2, 2],
      [natsSubject(tenant, 'bed.occupied'), 3, 3],
    ]);
    expect(messages[0]).toMatchObject({ tenantId: tenant, version: 1, aggregate: { type: 'Location', id: 'bed-1' } });
    expect(await countsFor(tenant)).toEqual({
      [natsSubject(tenant, 'bed.occupied')]: 2,
      [natsSubject(tenant, 'bed.freed')]: 1,
    });
  });

  it('drops a redelivered event: the event id is the JetStream message id', async () => {
    const tenant = newTenantId();
    const sink = new NatsEventSink(NATS_URL);
    const event: StoredEvent = {
      id: crypto.randomUUID(),
      seq: 1,
      type: 'payment.posted',
      version: 1,
      aggregate: { type: 'Invoice', id: 'inv-1' },
      data: { invoiceId: 'inv-1', amount: 1250, currency: 'USD' },
      occurredAt: new Date().toISOString(),
    };
    try {
      await sink.handle(event, tenant);
      await sink.handle(event, tenant);
      await sink.handle({ ...event, id: crypto.randomUUID(), seq: 2 }, tenant);
    } finally {
      await sink.close();
    }
    expect(await countsFor(tenant)).toEqual({ [natsSubject(tenant, 'payment.posted')]: 2 });
  });

  it('fails a delivery while NATS cannot be reached (the dispatcher retries it)', async () => {
    const sink = new NatsEventSink('nats://127.0.0.1:1');
    const event = {
      id: crypto.randomUUID(),
      seq: 1,
      type: 'a.b',
      version: 1,
      aggregate: { type: 'A', id: '1' },
      data: {},
      occurredAt: new Date().toISOString(),
    };
    await expect(sink.handle(event, newTenantId())).rejects.toThrow();
    await sink.close();
  });
});
