import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';
import { buildApp } from '../../app';
import { testConfig } from '../../config';
import { type Broadcast, LocalBroadcast, PostgresBroadcast } from '../../platform/broadcast';
import { member } from '../access/access-fixtures.int-helpers';
import { websocketSubscription } from './subscriptions.fixtures';

/**
 * Two Meridian servers on one database, as behind a load balancer: the dispatcher of one delivers an
 * event, a socket held by the other must hear it. On PostgreSQL they talk through LISTEN/NOTIFY, each on
 * its own connection; on PGlite (one process in real life) through one shared in-process broadcast.
 */
let dispatching: TestApp;
let serving: TestApp;
let drop: () => Promise<void>;
const broadcasts: Broadcast[] = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  const url = database.url;
  const shared = new LocalBroadcast();
  const pair = url
    ? [new PostgresBroadcast(url, { warn: () => {} }), new PostgresBroadcast(url, { warn: () => {} })]
    : [shared, shared];
  broadcasts.push(...pair);
  const build = async (broadcast: Broadcast, dispatch: boolean): Promise<TestApp> => {
    const config = testConfig({
      tenantHeader: true,
      eventsPollMs: 20,
      notifyWorkerIntervalMs: 0,
      eventsDispatch: dispatch,
    });
    const built = await buildApp(config, { db: database.db, broadcast });
    await built.app.ready();
    return { ...built, db: database.db, config, tenantId: config.defaultTenant, close: () => built.app.close() };
  };
  dispatching = await build(pair[0]!, true);
  serving = await build(pair[1]!, false);
});

afterAll(async () => {
  await serving?.close();
  await dispatching?.close();
  for (const broadcast of new Set(broadcasts)) await broadcast.close();
  await drop?.();
});

async function until(probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live updates across servers', () => {
  it('a socket on one server hears an event the other server delivered, and only its tenant’s', async () => {
    const tenantA = newTenantId();
    const tenantB = newTenantId();
    await dispatching.tenants.ensure(tenantA, 'Clinic A');
    await dispatching.tenants.ensure(tenantB, 'Clinic B');
    const patient = await fhirClient(dispatching, tenantA).create({
      resourceType: 'Patient',
      name: [{ family: 'Apart' }],
    });
    const physicianA = await member(serving, tenantA, 'physician');
    const physicianB = await member(serving, tenantB, 'physician');

    const heard: Record<'a' | 'b', string[]> = { a: [], b: [] };
    const open = (key: 'a' | 'b', token: string) =>
      serving.app.injectWS(
        '/live',
        { headers: { authorization: `Bearer ${token}` } },
        { onInit: (ws) => ws.on('message', (data: Buffer) => heard[key].push(data.toString())) },
      );
    const a = await open('a', physicianA.token);
    const b = await open('b', physicianB.token);
    await until(() => heard.a.length === 1 && heard.b.length === 1);

    await dispatching.db.transaction(tenantA, (tx) =>
      dispatching.events.publish(tx, tenantA, {
        type: 'appointment.booked',
        aggregate: { type: 'Patient', id: patient.id },
        data: {},
      }),
    );
    await dispatching.events.drain();
    await until(() => heard.a.length === 2);
    expect(JSON.parse(heard.a[1]!)).toMatchObject({ type: 'appointment.booked', aggregate: { id: patient.id } });
    expect(JSON.parse(heard.a[1]!)).not.toHaveProperty('tenantId');
    // Give a wrongly routed message time to arrive before saying none did.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard.b.map((message) => JSON.parse(message).type)).toEqual(['hello']);
    a.terminate();
    b.terminate();
  });

  it('a FHIR Subscription websocket bound on one server is pinged when the other sends the notification', async () => {
    const tenantId = newTenantId();
    await dispatching.tenants.ensure(tenantId, 'Clinic C');
    const { fhir, subscription, socket, messages } = await websocketSubscription(
      dispatching,
      serving,
      tenantId,
      'Patient?family=Pinged',
    );
    socket.send(`bind ${subscription.id}`);
    await until(() => messages.length === 1);
    expect(messages[0]).toBe(`bound ${subscription.id}`);

    await fhir.create({ resourceType: 'Patient', name: [{ family: 'Pinged' }] });
    await dispatching.app.subscriptions.runDue();
    await until(() => messages.length === 2);
    expect(messages[1]).toBe(`ping ${subscription.id}`);
    socket.terminate();
  });
});
