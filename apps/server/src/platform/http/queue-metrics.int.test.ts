import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({
    eventsPollMs: 20,
    eventsMaxAttempts: 2,
    eventsRetryBaseMs: 10,
    notifyWorkerIntervalMs: 0,
  });
});
afterAll(async () => app?.close());

/** Value of one sample of the exposition text, or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('queue metrics', () => {
  it('reports each event subscriber’s lag and dead letters, queued deliveries and the broadcast, without tenants', async () => {
    const tenant = newTenantId();
    await app.tenants.ensure(tenant, 'Queue clinic');
    let calls = 0;
    app.events.subscribe('always-fails', ['test.broken'], async () => {
      calls += 1;
      throw new Error('receiver down');
    });
    await app.db.transaction(tenant, (tx) =>
      app.events.publish(tx, tenant, { type: 'test.broken', aggregate: { type: 'Thing', id: 't1' }, data: {} }),
    );
    // A webhook delivery due five minutes ago and still waiting (the sender is off in this app).
    await app.db.asOwner((owner) =>
      owner.query(
        `INSERT INTO webhook_delivery (tenant_id, id, endpoint_id, event_id, event_type, payload, status,
           next_attempt_at, created_at)
         VALUES ($1, gen_random_uuid(), gen_random_uuid(), 'e1', 'test.broken', '{}', 'queued',
           now() - interval '5 minutes', now())`,
        [tenant],
      ),
    );
    await app.events.drain();
    for (let i = 0; i < 200 && calls < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await app.events.drain();

    const res = await app.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(sample(text, 'meridian_events_dead_letters', 'subscriber="always-fails"')).toBe(1);
    expect(sample(text, 'meridian_events_lag', 'subscriber="always-fails"')).toBe(0);
    expect(sample(text, 'meridian_events_retrying', 'subscriber="always-fails"')).toBe(0);
    expect(sample(text, 'meridian_delivery_queued', 'queue="webhook_delivery"')).toBe(1);
    expect(sample(text, 'meridian_delivery_overdue', 'queue="webhook_delivery"')).toBe(1);
    expect(sample(text, 'meridian_delivery_overdue', 'queue="notification"')).toBe(0);
    expect(sample(text, 'meridian_broadcast_connected', 'transport="local"')).toBe(1);
    expect(text).not.toContain(tenant);
  });
});
