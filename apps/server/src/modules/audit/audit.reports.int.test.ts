import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;
let tenantId: string;
let admin: SignedIn;
let physician: SignedIn;
let patientId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
  const cli = { authorization: `Bearer ${app.localAdminToken}`, 'x-meridian-tenant': tenantId };
  const created = await app.app.inject({
    method: 'POST',
    url: '/fhir/R4/Patient',
    headers: { ...cli, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Reported' }] }),
  });
  patientId = created.json().id;
  // A clinician reads the chart, once in an emergency (purpose of use BTG).
  await physician.fhir.get(`Patient/${patientId}`);
  await physician.fhir.get(`Patient/${patientId}`, { 'x-purpose-of-use': 'BTG' });
  await app.app.inject({ method: 'GET', url: `/fhir/R4/Observation?patient=${patientId}`, headers: cli });
  // A failed sign-in, a bulk export, and a refused call to an admin API.
  await app.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email: physician.email, password: 'not the password at all', tenant: tenantId },
  });
  await app.app.inject({
    method: 'GET',
    url: '/fhir/R4/Patient/$export',
    headers: { ...cli, accept: 'application/fhir+json', prefer: 'respond-async' },
  });
  await physician.request('GET', '/audit/events');
});
afterAll(async () => app?.close());

const report = async (name: string, query = '') => {
  const res = await admin.request('GET', `/audit/reports/${name}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Bundle<AuditEvent>).entry!.map((entry) => entry.resource!);
};
const actions = (events: AuditEvent[]) => events.map((event) => event.subtype?.[0]?.code).reverse();

describe('audit reports', () => {
  it('lists every access to one patient, by anyone', async () => {
    const events = await report('patient-access', `?patient=${patientId}`);
    expect(actions(events)).toEqual(['create', 'read', 'read', 'search']);
    for (const event of events) expect(event.entity?.[0]?.what?.reference).toBe(`Patient/${patientId}`);
    const res = await admin.request('GET', '/audit/reports/patient-access');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AUDIT_INVALID_QUERY', parameter: 'patient' });
  });

  it('lists everything one user did, including their failed sign-in and refused calls', async () => {
    const events = await report('user-activity', `?user=${physician.userId}`);
    expect(actions(events)).toEqual(['login', 'read', 'read', 'login-failed', 'access-denied']);
    const denied = events.find((event) => event.subtype?.[0]?.code === 'access-denied')!;
    expect(denied.outcome).toBe('8');
    expect(denied.outcomeDesc).toBe('GET /audit/events');
    expect(denied.agent[0]?.network?.address).toBeTruthy();
  });

  it('lists break-the-glass access, failed logins and bulk exports', async () => {
    const glass = await report('break-the-glass');
    expect(glass).toHaveLength(1);
    expect(glass[0]!.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('BTG');
    expect(glass[0]!.agent[0]?.who?.identifier?.value).toBe(physician.userId);

    const failed = await report('failed-logins');
    expect(failed.map((event) => event.outcomeDesc)).toEqual(['wrong-password']);

    const exports = await report('bulk-exports');
    expect(actions(exports)).toEqual(['operation:export']);
  });

  it('answers CSV, narrows by time, and is for tenant admins only', async () => {
    const csv = await admin.request('GET', `/audit/reports/failed-logins?_format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('audit-failed-logins.csv');
    expect(csv.body.trim().split('\r\n')).toHaveLength(2);
    expect(await report('failed-logins', '?from=2999-01-01')).toEqual([]);
    expect((await admin.request('GET', '/audit/reports/everything')).json().code).toBe('AUDIT_INVALID_QUERY');
    expect((await physician.request('GET', '/audit/reports/failed-logins')).statusCode).toBe(403);
    const other = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const res = await other.request('GET', `/audit/reports/patient-access?patient=${patientId}`);
    expect((res.json() as Bundle).entry).toEqual([]);
  });

  it('records sign-outs, committed with the session’s end before the answer', async () => {
    const nurse = await signIn(app, { role: 'nurse', tenantId });
    const out = await nurse.request('POST', '/auth/logout');
    expect(out.statusCode).toBeLessThan(300);
    const staged = await app.db.asOwner((db) =>
      db.query('SELECT 1 FROM audit_staged WHERE tenant_id = $1', [tenantId]),
    );
    expect(staged.rows).toEqual([]);
    const events = await report('user-activity', `?user=${nurse.userId}`);
    expect(actions(events)).toEqual(['login', 'logout']);
  });
});
