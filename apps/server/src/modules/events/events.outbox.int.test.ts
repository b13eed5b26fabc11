import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemaErrors } from '../../../test/event-schemas';
import { createTestApp, fhirClient, newTenantId, signIn, type TestApp } from '../../../test/test-app';
import type { StoredEvent } from './events.types';

let app: TestApp;

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  app = await createTestApp({ eventsPollMs: 20, eventsMaxAttempts: 3, eventsRetryBaseMs: 10 });
});
afterAll(async () => app?.close());

function aggregateEvent(type: string, id: string, n: number) {
  return { type, aggregate: { type: 'Thing', id }, data: { n } };
}

describe('the outbox', () => {
  it('keeps an event only when the transaction that published it commits', async () => {
    const tenant = newTenantId();
    await app.tenants.ensure(tenant, 'Outbox tenant');
    await expect(
      app.db.transaction(tenant, async (tx) => {
        await app.events.publish(tx, tenant, aggregateEvent('test.rolled-back', 'r1', 1));
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await app.db.transaction(tenant, (tx) => app.events.publish(tx, tenant, aggregateEvent('test.kept', 'r1', 2)));
    await app.db.transaction(tenant, (tx) => app.events.publish(tx, tenant, aggregateEvent('test.kept', 'r1', 3)));
    const rows = await app.db.withTenant(tenant, (q) =>
      q.query<{ seq: number; type: string; data: { n: number } }>(
        'SELECT seq, type, data FROM event_outbox WHERE tenant_id = $1 ORDER BY seq',
        [tenant],
      ),
    );
    // Gap-free: the rolled-back event took no number.
    expect(rows.rows.map((row) => [row.seq, row.type, row.data.n])).toEqual([
      [1, 'test.kept', 2],
      [2, 'test.kept', 3],
    ]);
  });

  it('refuses an event without a dotted type or an aggregate', async () => {
    const tenant = newTenantId();
    await app.tenants.ensure(tenant, 'Bad events');
    await expect(
      app.db.transaction(tenant, (tx) =>
        app.events.publish(tx, tenant, { type: 'Booked', aggregate: { type: 'A', id: '1' }, data: {} }),
      ),
    ).rejects.toThrow(/dotted/);
    await expect(
      app.db.transaction(tenant, (tx) =>
        app.events.publish(tx, tenant, { type: 'a.b', aggregate: { type: 'A', id: '' }, data: {} }),
      ),
    ).rejects.toThrow(/aggregate/);
  });
});

describe('delivery', () => {
  it('delivers in order per aggregate while aggregates go side by side', async () => {
    const tenant = newTenantId();
    await app.tenants.ensure(tenant, 'Order tenant');
    const seen: { aggregate: string; n: number }[] = [];
    app.events.subscribe('order-check', ['test.ordered'], async (event, tenantId) => {
      if (tenantId !== tenant) return;
      // Later events of one aggregate must wait for slow earlier ones.
      await sleep(Math.floor(Math.random() * 8));
      seen.push({ aggregate: event.aggregate.id, n: event.data.n as number });
    });
    for (let n = 0; n < 30; n += 1) {
      const id = ['a', 'b', 'c'][n % 3]!;
      await app.db.transaction(tenant, (tx) => app.events.publish(tx, tenant, aggregateEvent('test.ordered', id, n)));
    }
    await waitFor(() => seen.length === 30);
    for (const id of ['a', 'b', 'c']) {
      const ns = seen.filter((entry) => entry.aggregate === id).map((entry) => entry.n);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
      expect(ns).toHaveLength(10);
    }
  });

  it('retries with back-off, then keeps a dead letter an admin can see and replay', async () => {
    const admin = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const tenant = admin.tenantId;
    let failing = true;
    const attempts: number[] = [];
    const delivered: StoredEvent[] = [];
    app.events.subscribe('flaky', ['test.flaky', 'test.after'], async (event, tenantId) => {
      if (tenantId !== tenant) return;
      if (event.type === 'test.flaky') {
        attempts.push(Date.now());
        if (failing) throw new Error('receiver unavailable');
      }
      delivered.push(event);
    });
    await app.db.transaction(tenant, (tx) => app.events.publish(tx, tenant, aggregateEvent('test.flaky', 'f1', 1)));
    await app.db.transaction(tenant, (tx) => app.events.publish(tx, tenant, aggregateEvent('test.after', 'f1', 2)));

    const deadLetters = await waitFor(async () => {
      const res = await admin.request('GET', '/events/dead-letters?subscriber=flaky');
      expect(res.statusCode).toBe(200);
      const body = res.json() as {
        deadLetters: { id: string; attempts: number; lastError: string; event: StoredEvent }[];
      };
      return body.deadLetters.length ? body.deadLetters : undefined;
    });
    expect(attempts).toHaveLength(3);
    // Back-off: the second wait (20 ms) is longer than the first (10 ms) at least.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(9);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(19);
    expect(deadLetters[0]).toMatchObject({ attempts: 3, lastError: 'receiver unavailable' });
    expect(deadLetters[0]!.event).toMatchObject({ type: 'test.flaky', aggregate: { type: 'Thing', id: 'f1' } });
    // The aggregate's later event went on once the first was given up on.
    await waitFor(() => delivered.some((event) => event.type === 'test.after'));

    failing = false;
    const replay = await admin.request('POST', `/events/dead-letters/${deadLetters[0]!.id}/replay`);
    expect(replay.statusCode).toBe(202);
    await waitFor(() => delivered.some((event) => event.type === 'test.flaky'));
    const after = await admin.request('GET', '/events/dead-letters?subscriber=flaky');
    expect(after.json().deadLetters).toEqual([]);
    const audited = await app.db.withTenant(tenant, (q) =>
      q.query<{ detail: string; user_id: string }>(
        `SELECT detail, user_id FROM audit_staged WHERE tenant_id = $1 AND action = 'event-replay'
         UNION ALL SELECT detail, user_id FROM audit_event WHERE tenant_id = $1 AND action = 'event-replay'`,
        [tenant],
      ),
    );
    expect(audited.rows).toEqual([{ detail: 'test.flaky to flaky', user_id: admin.userId }]);

    const again = await admin.request('POST', `/events/dead-letters/${deadLetters[0]!.id}/replay`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('EVENTS_DEAD_LETTER_NOT_FOUND');
    const bad = await admin.request('POST', '/events/dead-letters/not-a-uuid/replay');
    expect(bad.statusCode).toBe(400);
  });

  it('delivers an event once to a subscriber that finished it, however often the dispatcher runs', async () => {
    const tenant = newTenantId();
    await app.tenants.ensure(tenant, 'Idempotent tenant');
    const calls = new Map<string, number>();
    app.events.subscribe('counting', ['test.counted'], async (event, tenantId) => {
      if (tenantId !== tenant) return;
      calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
    });
    for (let n = 0; n < 5; n += 1) {
      await app.db.transaction(tenant, (tx) =>
        app.events.publish(tx, tenant, aggregateEvent('test.counted', `i${n}`, n)),
      );
    }
    await waitFor(() => calls.size === 5);
    await Promise.all([app.events.drain(), app.events.drain(), app.events.drain()]);
    await sleep(100);
    expect([...calls.values()]).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('events from FHIR writes and the admin API', () => {
  it('publishes patient.registered and encounter.finished in the write, listed by type and aggregate', async () => {
    const admin = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const fhir = fhirClient(app, admin.tenantId);
    const patient = await fhir.create({ resourceType: 'Patient', name: [{ family: 'Okafor' }] });
    const encounter = await fhir.create({
      resourceType: 'Encounter',
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patient.id}` },
    });
    const finished = await fhir.put(`Encounter/${encounter.id}`, {
      ...encounter,
      status: 'finished',
      period: { start: '2026-11-24T09:00:00Z', end: '2026-11-24T09:30:00Z' },
    });
    expect(finished.statusCode).toBe(200);
    // A further update of a finished visit is not a second finish.
    await fhir.put(`Encounter/${encounter.id}`, { ...(finished.json() as object), priority: { text: 'routine' } });

    const registered = await admin.request('GET', `/events?type=patient.registered&aggregate=Patient/${patient.id}`);
    expect(registered.statusCode).toBe(200);
    expect(registered.json().events).toEqual([
      expect.objectContaining({
        type: 'patient.registered',
        version: 1,
        data: { patientId: patient.id, active: true },
      }),
    ]);
    const visits = await admin.request('GET', '/events?aggregate=Encounter');
    expect(visits.json().events).toEqual([
      expect.objectContaining({
        type: 'encounter.finished',
        aggregate: { type: 'Encounter', id: encounter.id },
        data: { encounterId: encounter.id, patientId: patient.id, class: 'AMB', finishedAt: '2026-11-24T09:30:00Z' },
      }),
    ]);
    for (const event of [...registered.json().events, ...visits.json().events] as StoredEvent[]) {
      expect(eventSchemaErrors(event.type, event.version, event.data)).toEqual([]);
    }
    // No names in events.
    expect(JSON.stringify(registered.json())).not.toContain('Okafor');

    const bad = await admin.request('GET', '/events?limit=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().path).toBe('limit');
  });

  it('publishes patient.merged when a merge links the source to its target', async () => {
    const admin = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const fhir = fhirClient(app, admin.tenantId);
    const target = await fhir.create({
      resourceType: 'Patient',
      name: [{ family: 'Adeyemi' }],
      birthDate: '1970-01-01',
    });
    const source = await fhir.create({
      resourceType: 'Patient',
      name: [{ family: 'Adeyemy' }],
      birthDate: '1970-01-01',
    });
    const merged = await app.app.inject({
      method: 'POST',
      url: '/patients/merge',
      headers: { 'x-meridian-tenant': admin.tenantId },
      payload: { source: source.id, target: target.id },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const res = await admin.request('GET', '/events?type=patient.merged');
    const events = res.json().events as StoredEvent[];
    expect(events).toEqual([
      expect.objectContaining({
        aggregate: { type: 'Patient', id: target.id },
        data: { sourceId: source.id, targetId: target.id },
      }),
    ]);
    expect(eventSchemaErrors('patient.merged', 1, events[0]!.data)).toEqual([]);
  });

  it('shows a tenant only its own events, and only to its admins', async () => {
    const one = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const other = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    await app.db.transaction(other.tenantId, (tx) =>
      app.events.publish(tx, other.tenantId, aggregateEvent('test.private', 'p1', 1)),
    );
    const mine = await one.request('GET', '/events?type=test.private');
    expect(mine.json().events).toEqual([]);
    const theirs = await other.request('GET', '/events?type=test.private');
    expect(theirs.json().events).toHaveLength(1);
    const clinician = await signIn(app, { role: 'physician', tenantId: other.tenantId });
    expect((await clinician.request('GET', '/events')).statusCode).toBe(403);
  });
});
