import type { Encounter } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;
let physician: SignedIn;
let admin: SignedIn;
let patientId: string;
let practitionerId: string;
let locationId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  const tenantId = newTenantId();
  physician = await signIn(app, { role: 'physician', tenantId });
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  patientId = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Okafor' }] })).id;
  // The clinic's directory is the tenant admin's to keep.
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Lind' }] })).id;
  locationId = (await admin.fhir.create({ resourceType: 'Location', name: 'Room 4' })).id;
});
afterAll(async () => app?.close());

async function plan(extra: Record<string, unknown> = {}): Promise<Encounter & { id: string }> {
  const res = await physician.request('POST', '/encounters', {
    patient: `Patient/${patientId}`,
    class: 'AMB',
    type: { system: 'http://snomed.info/sct', code: '185349003', display: 'Encounter for check up' },
    reason: 'Cough for two weeks',
    attending: practitionerId,
    location: `Location/${locationId}`,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const move = (id: string, to: string, reason?: string) =>
  physician.request('POST', `/encounters/${id}/transitions`, { to, ...(reason ? { reason } : {}) });

describe('the visit lifecycle', () => {
  it('creates a planned FHIR Encounter with class, type, reason, attending practitioner and location', async () => {
    const encounter = await plan();
    expect(encounter.status).toBe('planned');
    expect(encounter.class).toMatchObject({ code: 'AMB' });
    expect(encounter.subject?.reference).toBe(`Patient/${patientId}`);
    expect(encounter.reasonCode).toEqual([{ text: 'Cough for two weeks' }]);
    expect(encounter.participant?.[0]).toMatchObject({
      type: [{ coding: [{ code: 'ATND' }] }],
      individual: { reference: `Practitioner/${practitionerId}` },
    });
    expect(encounter.location?.[0]?.location.reference).toBe(`Location/${locationId}`);
    // Stored as FHIR: the FHIR API reads the same resource.
    const read = await physician.fhir.get(`Encounter/${encounter.id}`);
    expect(read.json().status).toBe('planned');
  });

  it('walks planned → arrived → triaged → in-progress → finished, keeping statusHistory with who and when', async () => {
    const encounter = await plan();
    const arrived = await physician.request('POST', `/encounters/${encounter.id}/check-in`);
    expect(arrived.statusCode, arrived.body).toBe(200);
    expect(arrived.json().status).toBe('arrived');
    expect(arrived.json().period.start).toBeDefined();
    expect((await move(encounter.id, 'triaged')).json().status).toBe('triaged');
    expect((await move(encounter.id, 'in-progress')).json().status).toBe('in-progress');
    const finished = await physician.request('POST', `/encounters/${encounter.id}/check-out`);
    const done = finished.json() as Encounter;
    expect(done.status).toBe('finished');
    expect(done.period?.end).toBeDefined();
    expect(done.statusHistory?.map((entry) => entry.status)).toEqual([
      'planned',
      'arrived',
      'triaged',
      'in-progress',
      'finished',
    ]);
    // Each entry is closed when the next opens; the last one stays open.
    expect(done.statusHistory?.slice(0, 4).every((entry) => entry.period?.end)).toBe(true);
    expect(done.statusHistory?.[4]?.period?.end).toBeUndefined();
    expect(done.statusHistory?.[1]?.extension?.[0]?.valueReference?.identifier?.value).toBe(physician.userId);
    expect(done.location?.[0]?.status).toBe('completed');

    const audit = await admin.request('GET', `/audit/events?action=encounter-transition&patient=${patientId}`);
    expect(audit.statusCode).toBe(200);
    const events = (audit.json().entry ?? []).map((entry: any) => entry.resource);
    const forThis = events.filter((event: any) => JSON.stringify(event).includes(`Encounter/${encounter.id}`));
    expect(forThis).toHaveLength(4);
    expect(JSON.stringify(forThis)).toContain(physician.userId);
  });

  it('refuses an invalid transition with 409 naming the allowed ones, and changes nothing', async () => {
    const encounter = await plan();
    const res = await move(encounter.id, 'finished');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'ENCOUNTER_INVALID_TRANSITION',
      from: 'planned',
      to: 'finished',
      allowedTransitions: ['arrived', 'cancelled', 'entered-in-error'],
    });
    expect((await physician.request('GET', `/encounters/${encounter.id}`)).json().status).toBe('planned');
    const checkOut = await physician.request('POST', `/encounters/${encounter.id}/check-out`);
    expect(checkOut.statusCode).toBe(409);
  });

  it('cancels only before the visit starts; entered-in-error needs a reason and ends everything', async () => {
    const early = await plan();
    expect((await move(early.id, 'cancelled')).json().status).toBe('cancelled');
    expect((await move(early.id, 'arrived')).statusCode).toBe(409);

    const started = await plan();
    await move(started.id, 'arrived');
    await move(started.id, 'triaged');
    await move(started.id, 'in-progress');
    const cancel = await move(started.id, 'cancelled');
    expect(cancel.statusCode).toBe(409);
    expect(cancel.json().allowedTransitions).toEqual(['finished', 'entered-in-error']);

    const noReason = await move(started.id, 'entered-in-error');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'ENCOUNTER_INVALID_REQUEST', path: 'reason' });
    const wrong = await move(started.id, 'entered-in-error', 'Registered on the wrong patient');
    expect(wrong.statusCode).toBe(200);
    const history = (wrong.json() as Encounter).statusHistory!;
    expect(history.at(-1)?.extension?.find((e) => e.url.endsWith('status-change-reason'))?.valueString).toBe(
      'Registered on the wrong patient',
    );
    const after = await move(started.id, 'finished');
    expect(after.statusCode).toBe(409);
    expect(after.json().allowedTransitions).toEqual([]);
    const edit = await physician.request('PUT', `/encounters/${started.id}/location`, { location: locationId });
    expect(edit.json().code).toBe('ENCOUNTER_CLOSED');
  });

  it('lets only one of two simultaneous check-ins through', async () => {
    const encounter = await plan();
    const answers = await Promise.all([
      physician.request('POST', `/encounters/${encounter.id}/check-in`),
      physician.request('POST', `/encounters/${encounter.id}/check-in`),
    ]);
    expect(answers.map((res) => res.statusCode).sort()).toEqual([200, 409]);
    const history = (await physician.request('GET', `/encounters/${encounter.id}`)).json().statusHistory;
    expect(history.map((entry: { status: string }) => entry.status)).toEqual(['planned', 'arrived']);
  });

  it('refuses a status jump through the FHIR API too (PUT and PATCH), but allows valid ones', async () => {
    const encounter = await plan();
    const current = (await physician.fhir.get(`Encounter/${encounter.id}`)).json();
    const jump = await physician.fhir.put(`Encounter/${encounter.id}`, { ...current, status: 'finished' });
    expect(jump.statusCode).toBe(422);
    expect(jump.json().issue[0]).toMatchObject({ code: 'business-rule', expression: ['Encounter.status'] });
    const patch = await physician.fhir.patch(`Encounter/${encounter.id}`, [
      { op: 'replace', path: '/status', value: 'in-progress' },
    ]);
    expect(patch.statusCode).toBe(422);
    const bundle = await physician.fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { ...current, status: 'finished' },
          request: { method: 'PUT', url: `Encounter/${encounter.id}` },
        },
      ],
    });
    expect(bundle.statusCode).toBe(422);
    const valid = await physician.fhir.put(`Encounter/${encounter.id}`, { ...current, status: 'arrived' });
    expect(valid.statusCode).toBe(200);
    // A past visit may be recorded as finished from the start.
    const imported = await physician.fhir.post('Encounter', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: `Patient/${patientId}` },
    });
    expect(imported.statusCode).toBe(201);
  });
});

describe('participants, location, reason and diagnoses', () => {
  it('sets attending and participating practitioners, moves the location, sets reasons', async () => {
    const encounter = await plan({ attending: undefined, location: undefined });
    const nurse = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Ito' }] })).id;
    const res = await physician.request('PUT', `/encounters/${encounter.id}/participants`, {
      attending: `Practitioner/${practitionerId}`,
      participants: [`Practitioner/${nurse}`],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().participant.map((p: any) => [p.type[0].coding[0].code, p.individual.reference])).toEqual([
      ['ATND', `Practitioner/${practitionerId}`],
      ['PART', `Practitioner/${nurse}`],
    ]);
    const ward = (await admin.fhir.create({ resourceType: 'Location', name: 'Ward B' })).id;
    await physician.request('PUT', `/encounters/${encounter.id}/location`, { location: locationId });
    const moved = (await physician.request('PUT', `/encounters/${encounter.id}/location`, { location: ward })).json();
    expect(moved.location.map((l: any) => [l.location.reference, l.status])).toEqual([
      [`Location/${locationId}`, 'completed'],
      [`Location/${ward}`, 'active'],
    ]);
    const reason = await physician.request('PUT', `/encounters/${encounter.id}/reason`, {
      reason: [{ system: 'http://snomed.info/sct', code: '49727002', display: 'Cough' }],
    });
    expect(reason.json().reasonCode).toEqual([
      { coding: [{ system: 'http://snomed.info/sct', code: '49727002', display: 'Cough' }] },
    ]);
  });

  it('adds diagnoses referencing Conditions of the same patient only', async () => {
    const encounter = await plan();
    const condition = await physician.fhir.create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${patientId}` },
      code: { text: 'Acute bronchitis' },
    });
    const res = await physician.request('POST', `/encounters/${encounter.id}/diagnoses`, {
      condition: condition.id,
      use: 'AD',
      rank: 1,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().diagnosis).toEqual([
      {
        condition: { reference: `Condition/${condition.id}` },
        use: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/diagnosis-role', code: 'AD' }] },
        rank: 1,
      },
    ]);
    const other = await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Other' }] });
    const foreign = await physician.fhir.create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${other.id}` },
      code: { text: 'Asthma' },
    });
    const refused = await physician.request('POST', `/encounters/${encounter.id}/diagnoses`, {
      condition: foreign.id,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'ENCOUNTER_REFERENCE_MISMATCH', path: 'condition' });
  });

  it('answers bad input with the field at fault', async () => {
    const missing = await physician.request('POST', '/encounters', { patient: 'Patient/nope', class: 'AMB' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'ENCOUNTER_REFERENCE_NOT_FOUND', path: 'patient' });
    const badClass = await physician.request('POST', '/encounters', { patient: patientId, class: 'XYZ' });
    expect(badClass.statusCode).toBe(400);
    expect(badClass.json()).toMatchObject({ code: 'ENCOUNTER_INVALID_REQUEST', path: 'class' });
    const badStatus = await physician.request('POST', '/encounters/x/transitions', { to: 'done' });
    expect(badStatus.json()).toMatchObject({ code: 'ENCOUNTER_INVALID_REQUEST', path: 'to' });
    const unknown = await physician.request('GET', '/encounters/does-not-exist');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ENCOUNTER_NOT_FOUND');
  });

  it('needs a signed-in caller', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/encounters', payload: {} });
    expect(res.statusCode).toBe(401);
  });
});
