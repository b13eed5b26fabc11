import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observation, Subscription } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';
import { member } from '../access/access-fixtures.int-helpers';
import { websocketSubscription } from './subscriptions.fixtures';
import { verifySignature } from './webhooks.signing';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let app: TestApp;
let hook: Server;
let hookUrl: string;
const received: Received[] = [];
let failNext = 0;
let current = new Date('2026-11-24T10:00:00.000Z');

beforeAll(async () => {
  hook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body });
      if (failNext > 0) {
        failNext -= 1;
        response.writeHead(500).end('busy');
      } else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  app = await createTestApp({ notifyWorkerIntervalMs: 0, eventsPollMs: 20 }, { now: () => current });
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  failNext = 0;
});

async function publish(tenantId: string, type: string, aggregate: { type: string; id: string }, data = {}) {
  await app.db.transaction(tenantId, (tx) => app.events.publish(tx, tenantId, { type, aggregate, data }));
  await app.events.drain();
}

async function tenant() {
  const tenantId = newTenantId();
  await app.tenants.ensure(tenantId, 'Hooks clinic');
  return tenantId;
}

const GLUCOSE = { coding: [{ system: 'http://loinc.org', code: '2345-7' }] };
const SODIUM = { coding: [{ system: 'http://loinc.org', code: '2951-2' }] };

function observation(patientId: string, code: Observation['code']): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code,
    subject: { reference: `Patient/${patientId}` },
    valueQuantity: { value: 5.5, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  };
}

describe('webhooks', () => {
  it('signs each delivery, retries after a 500, keeps a log, and sends only the types asked for', async () => {
    const tenantId = await tenant();
    const admin = await member(app, tenantId, 'tenant_admin');
    const nurse = await member(app, tenantId, 'nurse');
    expect((await nurse.request('GET', '/webhooks')).statusCode).toBe(403);
    const bad = await admin.request('POST', '/webhooks', { url: 'ftp://example.org/x', eventTypes: ['appointment.*'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/^url:/);

    const created = await admin.request('POST', '/webhooks', {
      url: `${hookUrl}/meridian`,
      eventTypes: ['appointment.*'],
    });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^whsec_/);
    const listed = (await admin.request('GET', '/webhooks')).json().webhooks;
    expect(listed).toEqual([
      expect.objectContaining({ id, url: `${hookUrl}/meridian`, eventTypes: ['appointment.*'] }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    await publish(tenantId, 'invoice.issued', { type: 'Invoice', id: 'inv-1' });
    await publish(tenantId, 'appointment.booked', { type: 'Appointment', id: 'appt-1' }, { slot: 'slot-1' });
    failNext = 1;
    expect(await app.app.subscriptions.webhooks.runDue()).toEqual({ delivered: 0, failed: 1 });
    let log = (await admin.request('GET', `/webhooks/${id}/deliveries`)).json().deliveries;
    expect(log).toEqual([
      expect.objectContaining({ eventType: 'appointment.booked', status: 'queued', attempts: 1, lastStatus: 500 }),
    ]);
    expect(new Date(log[0].nextAttemptAt).getTime()).toBe(current.getTime() + 30_000);

    current = new Date(current.getTime() + 30_000);
    expect(await app.app.subscriptions.webhooks.runDue()).toEqual({ delivered: 1, failed: 0 });
    expect(received).toHaveLength(2);
    const last = received[1]!;
    expect(last.path).toBe('/meridian');
    expect(last.headers['meridian-event-type']).toBe('appointment.booked');
    expect(verifySignature(last.headers['meridian-signature'] as string, secret, last.body, { now: current })).toBe(
      true,
    );
    expect(
      verifySignature(last.headers['meridian-signature'] as string, 'whsec_other', last.body, { now: current }),
    ).toBe(false);
    expect(JSON.parse(last.body)).toMatchObject({
      type: 'appointment.booked',
      tenant: tenantId,
      aggregate: { type: 'Appointment', id: 'appt-1' },
      data: { slot: 'slot-1' },
    });
    log = (await admin.request('GET', `/webhooks/${id}/deliveries`)).json().deliveries;
    expect(log).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2, lastStatus: 204 })]);

    const removed = await app.app.inject({
      method: 'DELETE',
      url: `/webhooks/${id}`,
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(removed.statusCode).toBe(204);
    expect((await admin.request('GET', '/webhooks')).json().webhooks).toEqual([]);
    await publish(tenantId, 'appointment.cancelled', { type: 'Appointment', id: 'appt-1' });
    expect(await app.app.subscriptions.webhooks.runDue()).toEqual({ delivered: 0, failed: 0 });
  });
});

describe('FHIR Subscription', () => {
  it('activates a requested rest-hook Subscription and posts the matching Observation, not another one', async () => {
    const tenantId = await tenant();
    const fhir = fhirClient(app, tenantId);
    const refused = await fhir.post('Subscription', {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'x',
      criteria: 'NoSuchType?code=1',
      channel: { type: 'rest-hook', endpoint: `${hookUrl}/fhir` },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().issue[0].expression).toEqual(['Subscription.criteria']);

    const subscription = await fhir.create<Subscription>({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'Glucose results for the lab system',
      criteria: 'Observation?code=http://loinc.org|2345-7',
      channel: {
        type: 'rest-hook',
        endpoint: `${hookUrl}/fhir`,
        payload: 'application/fhir+json',
        header: ['Authorization: Bearer lab-token'],
      },
    });
    await app.app.subscriptions.runDue();
    expect((await fhir.get(`Subscription/${subscription.id}`)).json().status).toBe('active');

    const patient = await fhir.create({ resourceType: 'Patient', name: [{ family: 'Hook' }] });
    const glucose = await fhir.create(observation(patient.id, GLUCOSE));
    await fhir.create(observation(patient.id, SODIUM));
    await app.app.subscriptions.runDue();
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/fhir');
    expect(received[0]!.headers.authorization).toBe('Bearer lab-token');
    expect(received[0]!.headers['content-type']).toBe('application/fhir+json');
    expect(JSON.parse(received[0]!.body)).toMatchObject({ resourceType: 'Observation', id: glucose.id });

    // An update that stops matching sends nothing; one that matches again does.
    await fhir.put(`Observation/${glucose.id}`, { ...observation(patient.id, SODIUM), id: glucose.id });
    await app.app.subscriptions.runDue();
    expect(received).toHaveLength(1);
  });

  it('sets status error when the criteria cannot be searched', async () => {
    const tenantId = await tenant();
    const fhir = fhirClient(app, tenantId);
    const subscription = await fhir.create<Subscription>({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'x',
      criteria: 'Observation?no-such-parameter=1',
      channel: { type: 'rest-hook', endpoint: `${hookUrl}/fhir` },
    });
    await app.app.subscriptions.runDue();
    const stored = (await fhir.get(`Subscription/${subscription.id}`)).json();
    expect(stored.status).toBe('error');
    expect(stored.error).toMatch(/no-such-parameter/);
  });

  it('pings a bound websocket when a matching resource is written', async () => {
    const tenantId = await tenant();
    const { fhir, subscription, socket, messages } = await websocketSubscription(
      app,
      app,
      tenantId,
      'Observation?code=http://loinc.org|2345-7',
    );
    const waitFor = async (predicate: () => boolean) => {
      for (let i = 0; i < 200 && !predicate(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(predicate()).toBe(true);
    };
    socket.send('bind no-such-id');
    await waitFor(() => messages.length === 1);
    expect(messages[0]).toBe('error no-such-id not found');
    socket.send(`bind ${subscription.id}`);
    await waitFor(() => messages.length === 2);
    expect(messages[1]).toBe(`bound ${subscription.id}`);

    const patient = await fhir.create({ resourceType: 'Patient', name: [{ family: 'Socket' }] });
    await fhir.create(observation(patient.id, SODIUM));
    await fhir.create(observation(patient.id, GLUCOSE));
    await app.app.subscriptions.runDue();
    await waitFor(() => messages.length === 3);
    expect(messages[2]).toBe(`ping ${subscription.id}`);
    socket.terminate();
  });
});

describe('live updates', () => {
  it('streams an event to a signed-in user who may see it, not to another tenant’s user', async () => {
    const tenantA = await tenant();
    const tenantB = await tenant();
    const fhirA = fhirClient(app, tenantA);
    const patient = await fhirA.create({ resourceType: 'Patient', name: [{ family: 'Live' }] });
    const result = await fhirA.create(observation(patient.id, GLUCOSE));
    const physicianA = await member(app, tenantA, 'physician');
    const physicianB = await member(app, tenantB, 'physician');

    await expect(app.app.injectWS('/live')).rejects.toThrow(/401/);
    const heard: Record<string, string[]> = { a: [], b: [] };
    const open = async (key: 'a' | 'b', token: string) => {
      // Listening from the start: the server greets as soon as the socket opens.
      const socket = await app.app.injectWS(
        '/live',
        { headers: { authorization: `Bearer ${token}` } },
        { onInit: (ws) => ws.on('message', (data: Buffer) => heard[key]!.push(data.toString())) },
      );
      return socket;
    };
    const a = await open('a', physicianA.token);
    const b = await open('b', physicianB.token);
    for (let i = 0; i < 200 && (heard.a!.length < 1 || heard.b!.length < 1); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    await publish(tenantA, 'result.available', { type: 'Observation', id: result.id });
    for (let i = 0; i < 200 && heard.a!.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(heard.a!.map((message) => JSON.parse(message).type)).toEqual(['hello', 'result.available']);
    expect(JSON.parse(heard.a![1]!)).toMatchObject({ aggregate: { type: 'Observation', id: result.id } });
    expect(heard.b!.map((message) => JSON.parse(message).type)).toEqual(['hello']);
    // The socket ends when the token that opened it expires (the app then reconnects with a fresh one).
    const exp = JSON.parse(Buffer.from(physicianA.token.split('.')[1]!, 'base64url').toString()).exp as number;
    expect(JSON.parse(heard.a![0]!).expiresAt).toBe(new Date(exp * 1000).toISOString());
    a.terminate();
    b.terminate();

    // The session cookie works from the server's own origin, not from another site.
    const closed = (origin: string) =>
      new Promise<number | 'open'>((resolve) => {
        void app.app
          .injectWS(
            '/live',
            { headers: { cookie: `meridian_session=${physicianA.token}`, origin, host: 'clinic.example' } },
            {
              onInit: (ws) => {
                ws.on('close', (code: number) => resolve(code));
                ws.on('message', () => resolve('open'));
              },
            },
          )
          .catch(() => resolve(-1));
      });
    expect(await closed('https://elsewhere.example')).toBe(4003);
    expect(await closed('https://clinic.example')).toBe('open');
  });

  it('tells a patient in the portal of their own invoices and payments, not of another patient’s', async () => {
    const tenantId = await tenant();
    const fhir = fhirClient(app, tenantId);
    const own = await fhir.create({ resourceType: 'Patient', name: [{ family: 'Payer' }] });
    const other = await fhir.create({ resourceType: 'Patient', name: [{ family: 'Stranger' }] });
    const patient = await member(app, tenantId, 'patient', `Patient/${own.id}`);
    const heard: string[] = [];
    const socket = await app.app.injectWS(
      '/live',
      { headers: { authorization: `Bearer ${patient.token}` } },
      { onInit: (ws) => ws.on('message', (data: Buffer) => heard.push(data.toString())) },
    );
    for (let i = 0; i < 200 && heard.length < 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));

    const payment = (patientId: string) => ({
      paymentId: 'p',
      kind: 'payment',
      patientId,
      amount: 100,
      currency: 'USD',
    });
    await publish(tenantId, 'payment.posted', { type: 'Payment', id: 'pay-other' }, payment(other.id));
    await publish(tenantId, 'payment.posted', { type: 'Payment', id: 'pay-own' }, payment(own.id));
    await publish(tenantId, 'payment.posted', { type: 'Payment', id: 'pay-insurer' }, { kind: 'payment', amount: 5 });
    for (let i = 0; i < 200 && heard.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = heard.map((message) => JSON.parse(message)).filter((message) => message.type !== 'hello');
    expect(events).toEqual([
      expect.objectContaining({ type: 'payment.posted', aggregate: { type: 'Payment', id: 'pay-own' } }),
    ]);
    expect(events[0]).not.toHaveProperty('about');
    expect(events[0]).not.toHaveProperty('data');
    socket.terminate();
  });
});
