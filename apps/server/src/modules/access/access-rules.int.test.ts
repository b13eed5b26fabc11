import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';
import { buildClinic, type Clinic, entryKeys, member, systemClient } from './access-fixtures.int-helpers';

/** The policy API, and the attribute rules: Consent, care team and break-the-glass. */

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
}, 60_000);
afterAll(async () => app?.close());

async function auditActions(admin: Awaited<ReturnType<typeof member>>, action: string) {
  const res = await admin.request('GET', `/audit/events?action=${action}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().entry ?? []) as { resource: Record<string, unknown> }[];
}

describe('the tenant policy API', () => {
  let clinic: Clinic;
  beforeAll(async () => {
    clinic = await buildClinic(app, newTenantId());
  });

  it('lets a tenant admin read and change the policy, validated, versioned and audited', async () => {
    const admin = await member(app, clinic.tenantId, 'tenant_admin');
    const desk = await member(app, clinic.tenantId, 'front_desk');
    const first = await admin.request('GET', '/access/policies');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ source: 'default', version: 0, policy: { clinicianAccess: 'all' } });
    expect(first.headers.etag).toBe('W/"0"');

    const refused = await desk.request('GET', '/access/policies');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('AUTH_FORBIDDEN');
    const denials = await auditActions(admin, 'access-denied');
    expect(denials.length).toBeGreaterThan(0);

    const invalid = await admin.request('PUT', '/access/policies', {
      rules: [{ role: 'front_desk', resources: ['Pateint'], interactions: ['read'] }],
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'ACCESS_INVALID_REQUEST', path: 'rules.0.resources.0' });
    const badRole = await admin.request('PUT', '/access/policies', {
      rules: [{ role: 'janitor', resources: ['Patient'], interactions: ['read'] }],
    });
    expect(badRole.json().path).toBe('rules.0.role');

    // The front desk loses patient search (a deny rule on top of the defaults).
    const policy = first.json().policy;
    policy.rules.push({ role: 'front_desk', resources: ['Patient'], interactions: ['search'], effect: 'deny' });
    expect((await desk.fhir.get('Patient')).statusCode).toBe(200);
    const changed = await admin.request('PUT', '/access/policies', { policy }, { 'if-match': 'W/"0"' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ source: 'tenant', version: 1 });
    expect((await desk.fhir.get('Patient')).statusCode).toBe(403);
    expect((await desk.fhir.get(`Patient/${clinic.ids.ada}`)).statusCode).toBe(200);

    const stale = await admin.request('PUT', '/access/policies', { policy }, { 'if-match': 'W/"0"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('ACCESS_POLICY_CONFLICT');

    const changes = await auditActions(admin, 'access-policy-change');
    expect(changes).toHaveLength(1);

    // Another tenant keeps its own policy.
    const elsewhere = await buildClinic(app, newTenantId());
    const otherDesk = await member(app, elsewhere.tenantId, 'front_desk');
    expect((await otherDesk.fhir.get('Patient')).statusCode).toBe(200);
  });
});

describe('Consent and break-the-glass (clinicians see every patient)', () => {
  it('honours a deny Consent for the actor it names until they break the glass, which is audited and alerted', async () => {
    const clinic = await buildClinic(app, newTenantId());
    const { ids } = clinic;
    const nurse = await member(app, clinic.tenantId, 'nurse', `Practitioner/${ids.nurse}`);
    const doctor = await member(app, clinic.tenantId, 'physician', `Practitioner/${ids.doctor}`);
    const admin = await member(app, clinic.tenantId, 'tenant_admin');
    await systemClient(app, clinic.tenantId).create({
      resourceType: 'Consent',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${ids.bea}` },
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
      provision: {
        type: 'deny',
        actor: [{ role: { text: 'nurse' }, reference: { reference: `Practitioner/${ids.nurse}` } }],
      },
    });

    expect((await nurse.fhir.get(`Patient/${ids.bea}`)).statusCode).toBe(404);
    expect((await nurse.fhir.get(`Observation/${ids.beaObservation}`)).statusCode).toBe(404);
    expect(entryKeys(await nurse.fhir.get('Patient'))).toEqual([`Patient/${ids.ada}`]);
    expect((await doctor.fhir.get(`Patient/${ids.bea}`)).statusCode).toBe(200);

    const noReason = await nurse.request('POST', '/access/break-the-glass', { patient: ids.bea, reason: 'x' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().path).toBe('reason');
    const unknown = await nurse.request('POST', '/access/break-the-glass', {
      patient: 'no-such-patient',
      reason: 'Unconscious in the waiting room',
    });
    expect(unknown.statusCode).toBe(404);
    const desk = await member(app, clinic.tenantId, 'front_desk');
    expect(
      (await desk.request('POST', '/access/break-the-glass', { patient: ids.bea, reason: 'Curious about her' }))
        .statusCode,
    ).toBe(403);

    const glass = await nurse.request('POST', '/access/break-the-glass', {
      patient: `Patient/${ids.bea}`,
      reason: 'Unconscious in the waiting room',
    });
    expect(glass.statusCode, glass.body).toBe(201);
    const expires = Date.parse(glass.json().expiresAt);
    expect(expires - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    expect((await nurse.fhir.get(`Patient/${ids.bea}`)).statusCode).toBe(200);
    expect((await nurse.fhir.get(`Observation/${ids.beaObservation}`)).statusCode).toBe(200);

    const alerts = await admin.request('GET', '/access/alerts');
    expect(alerts.statusCode).toBe(200);
    expect(alerts.json().alerts).toEqual([
      expect.objectContaining({ kind: 'break-the-glass', subject: nurse.userId, patientId: ids.bea }),
    ]);
    expect((await nurse.request('GET', '/access/alerts')).statusCode).toBe(403);
    const audited = await auditActions(admin, 'break-the-glass');
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited[0]!.resource)).toContain('BTG');
  });
});

describe('care-team access', () => {
  it('limits clinicians to their care teams, encounters and organisation when the tenant says so', async () => {
    const clinic = await buildClinic(app, newTenantId());
    const { ids, tenantId } = clinic;
    const system = systemClient(app, tenantId);
    const admin = await member(app, tenantId, 'tenant_admin');
    const policy = (await admin.request('GET', '/access/policies')).json().policy;
    const set = await admin.request('PUT', '/access/policies', { policy: { ...policy, clinicianAccess: 'care-team' } });
    expect(set.statusCode, set.body).toBe(200);

    const patient = async (family: string) => (await system.create({ resourceType: 'Patient', name: [{ family }] })).id;
    const [teamPatient, encounterPatient, stranger] = await Promise.all([
      patient('Team'),
      patient('Encounter'),
      patient('Stranger'),
    ]);
    await system.create({
      resourceType: 'CareTeam',
      subject: { reference: `Patient/${teamPatient}` },
      participant: [{ member: { reference: `Practitioner/${ids.doctor}` } }],
    });
    await system.create({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${encounterPatient}` },
      participant: [{ individual: { reference: `Practitioner/${ids.doctor}` } }],
    });
    // Ada is managed by the clinic's organisation, where the doctor holds a role.
    await system.create({
      resourceType: 'PractitionerRole',
      practitioner: { reference: `Practitioner/${ids.doctor}` },
      organization: { reference: `Organization/${ids.org}` },
    });

    const doctor = await member(app, tenantId, 'physician', `Practitioner/${ids.doctor}`);
    const seen = entryKeys(await doctor.fhir.get('Patient?_count=100'));
    expect(seen).toEqual([`Patient/${ids.ada}`, `Patient/${teamPatient}`, `Patient/${encounterPatient}`].sort());
    expect((await doctor.fhir.get(`Patient/${stranger}`)).statusCode).toBe(404);
    expect((await doctor.fhir.get(`Observation/${ids.beaObservation}`)).statusCode).toBe(404);
    expect((await doctor.fhir.get(`Observation/${ids.adaObservation}`)).statusCode).toBe(200);
    // A clinician with no FHIR user has no care team.
    const newcomer = await member(app, tenantId, 'nurse');
    expect((await newcomer.fhir.get('Patient?_total=accurate')).json().total).toBe(0);
    // The front desk is not a clinician: care-team mode does not narrow it.
    const desk = await member(app, tenantId, 'front_desk');
    expect((await desk.fhir.get(`Patient/${stranger}`)).statusCode).toBe(200);

    const glass = await doctor.request('POST', '/access/break-the-glass', {
      patient: stranger,
      reason: 'Referred in an emergency',
    });
    expect(glass.statusCode).toBe(201);
    expect((await doctor.fhir.get(`Patient/${stranger}`)).statusCode).toBe(200);
  });
});
