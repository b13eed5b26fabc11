import type { Bundle, Encounter, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let tenantId: string;

beforeAll(async () => {
  app = await createTestApp();
  tenantId = newTenantId();
  fhir = fhirClient(app, tenantId);
});
afterAll(async () => app?.close());

const SYSTEM = 'http://hospital.example/mrn';
let counter = 0;
/** A fresh identifier value per test, so tests never see each other's patients. */
function mrn(): string {
  counter++;
  return `mrn-${Date.now()}-${counter}`;
}

function patient(value: string, extra: Partial<Patient> = {}): Patient {
  return { resourceType: 'Patient', identifier: [{ system: SYSTEM, value }], ...extra };
}

async function idsWith(value: string): Promise<string[]> {
  const res = await fhir.get(`Patient?identifier=${encodeURIComponent(`${SYSTEM}|${value}`)}`);
  expect(res.statusCode).toBe(200);
  return ((res.json() as Bundle).entry ?? []).map((entry) => entry.resource!.id!);
}

async function versionsOf(type: string): Promise<number> {
  const result = await app.db.withTenant(tenantId, (db) =>
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource_history WHERE resource_type = $1', [type]),
  );
  return Number(result.rows[0]!.n);
}

describe('conditional create (If-None-Exist)', () => {
  it('creates when nothing matches, returns the existing resource when one does, and refuses when several do', async () => {
    const value = mrn();
    const criteria = { 'if-none-exist': `identifier=${SYSTEM}|${value}` };
    const first = await fhir.post('Patient', patient(value, { gender: 'female' }), criteria);
    expect(first.statusCode).toBe(201);
    const created = first.json() as Patient;

    const second = await fhir.post('Patient', patient(value, { gender: 'male' }), criteria);
    expect(second.statusCode).toBe(200);
    expect((second.json() as Patient).id).toBe(created.id);
    expect((second.json() as Patient).gender).toBe('female');
    expect(await idsWith(value)).toEqual([created.id]);

    await fhir.create(patient(value));
    const third = await fhir.post('Patient', patient(value), criteria);
    expect(third.statusCode).toBe(412);
    expect((third.json() as OperationOutcome).issue[0]?.code).toBe('multiple-matches');
    expect(await idsWith(value)).toHaveLength(2);
  });

  it('accepts the criteria with the type in front (Patient?identifier=...)', async () => {
    const value = mrn();
    const criteria = { 'if-none-exist': `Patient?identifier=${SYSTEM}|${value}` };
    expect((await fhir.post('Patient', patient(value), criteria)).statusCode).toBe(201);
    expect((await fhir.post('Patient', patient(value), criteria)).statusCode).toBe(200);
  });

  it('refuses an invalid body before looking for matches', async () => {
    const value = mrn();
    const res = await fhir.post('Patient', patient(value, { birthDate: 'soon' }), {
      'if-none-exist': `identifier=${SYSTEM}|${value}`,
    });
    expect(res.statusCode).toBe(400);
    expect(await idsWith(value)).toEqual([]);
  });

  it('creates exactly one resource when many identical conditional creates arrive at once', async () => {
    const value = mrn();
    const criteria = { 'if-none-exist': `identifier=${SYSTEM}|${value}` };
    const answers = await Promise.all(Array.from({ length: 12 }, () => fhir.post('Patient', patient(value), criteria)));
    const statuses = answers.map((res) => res.statusCode).sort();
    // One request creates; every other one waits for it (same criteria, same lock) and then finds it.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((res) => (res.json() as Patient).id));
    expect(ids.size).toBe(1);
    expect(await idsWith(value)).toEqual([...ids]);
  });

  it('serialises criteria written in another order as the same criteria', async () => {
    const value = mrn();
    const one = { 'if-none-exist': `identifier=${SYSTEM}|${value}&gender=female` };
    const other = { 'if-none-exist': `gender=female&identifier=${SYSTEM}|${value}` };
    const answers = await Promise.all([
      fhir.post('Patient', patient(value, { gender: 'female' }), one),
      fhir.post('Patient', patient(value, { gender: 'female' }), other),
      fhir.post('Patient', patient(value, { gender: 'female' }), one),
    ]);
    expect(answers.map((res) => res.statusCode).sort()).toEqual([200, 200, 201]);
    expect(await idsWith(value)).toHaveLength(1);
  });
});

describe('conditional update (PUT Type?criteria)', () => {
  it('creates when nothing matches, updates the one match, and refuses several', async () => {
    const value = mrn();
    const url = `Patient?identifier=${SYSTEM}|${value}`;
    const created = await fhir.put(url, patient(value, { gender: 'female' }));
    expect(created.statusCode).toBe(201);
    const id = (created.json() as Patient).id!;
    expect(created.headers.location).toContain(`/Patient/${id}/_history/1`);

    const updated = await fhir.put(url, patient(value, { gender: 'male' }));
    expect(updated.statusCode).toBe(200);
    expect((updated.json() as Patient).id).toBe(id);
    expect((updated.json() as Patient).meta?.versionId).toBe('2');
    expect(((await fhir.get(`Patient/${id}`)).json() as Patient).gender).toBe('male');

    await fhir.create(patient(value));
    const ambiguous = await fhir.put(url, patient(value, { gender: 'other' }));
    expect(ambiguous.statusCode).toBe(412);
    expect(((await fhir.get(`Patient/${id}`)).json() as Patient).gender).toBe('male');
  });

  it('refuses a body id that differs from the resource found', async () => {
    const value = mrn();
    const existing = await fhir.create(patient(value));
    const res = await fhir.put(`Patient?identifier=${SYSTEM}|${value}`, patient(value, { id: 'someone-else' }));
    expect(res.statusCode).toBe(400);
    expect((res.json() as OperationOutcome).issue[0]?.diagnostics).toContain(existing.id);
  });

  it('creates once when many identical conditional updates arrive at once', async () => {
    const value = mrn();
    const url = `Patient?identifier=${SYSTEM}|${value}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => fhir.put(url, patient(value))));
    expect(answers.every((res) => res.statusCode === 200 || res.statusCode === 201)).toBe(true);
    expect(answers.filter((res) => res.statusCode === 201)).toHaveLength(1);
    expect(await idsWith(value)).toHaveLength(1);
  });

  it('needs criteria', async () => {
    expect((await fhir.put('Patient', patient(mrn()))).statusCode).toBe(400);
  });
});

describe('conditional delete (DELETE Type?criteria)', () => {
  it('deletes the one match, does nothing without a match, and refuses several', async () => {
    const value = mrn();
    const target = await fhir.create(patient(value));
    const deleted = await fhir.delete(`Patient?identifier=${SYSTEM}|${value}`);
    expect(deleted.statusCode).toBe(204);
    expect((await fhir.get(`Patient/${target.id}`)).statusCode).toBe(410);

    const before = await versionsOf('Patient');
    expect((await fhir.delete(`Patient?identifier=${SYSTEM}|${mrn()}`)).statusCode).toBe(204);
    expect(await versionsOf('Patient')).toBe(before);

    const twin = mrn();
    const a = await fhir.create(patient(twin));
    const b = await fhir.create(patient(twin));
    expect((await fhir.delete(`Patient?identifier=${SYSTEM}|${twin}`)).statusCode).toBe(412);
    expect((await fhir.get(`Patient/${a.id}`)).statusCode).toBe(200);
    expect((await fhir.get(`Patient/${b.id}`)).statusCode).toBe(200);
  });
});

describe('conditional entries and references in a transaction', () => {
  it('resolves ifNoneExist, conditional PUT, and conditional references, rewriting placeholders to them', async () => {
    const existingValue = mrn();
    const existing = await fhir.create(patient(existingValue, { gender: 'female' }));
    const newValue = mrn();
    const doctor = await fhir.create({
      resourceType: 'Practitioner',
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: `npi-${newValue}` }],
    });
    const res = await fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001' },
            participant: [
              { individual: { reference: `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|npi-${newValue}` } },
            ],
          },
          request: { method: 'POST', url: 'Encounter' },
        },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000002' },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
        {
          fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001',
          resource: patient(existingValue, { gender: 'male' }),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|${existingValue}` },
        },
        {
          fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000002',
          resource: patient(newValue, { gender: 'other' }),
          request: { method: 'PUT', url: `Patient?identifier=${SYSTEM}|${newValue}` },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    const entries = (res.json() as Bundle).entry!;
    expect(entries.map((entry) => entry.response?.status)).toEqual([
      '201 Created',
      '201 Created',
      '200 OK',
      '201 Created',
    ]);
    // The conditional create found the existing patient and left it as it was.
    expect((entries[2]!.resource as Patient).id).toBe(existing.id);
    expect((entries[2]!.resource as Patient).gender).toBe('female');
    const newPatientId = (entries[3]!.resource as Patient).id!;
    expect(await idsWith(newValue)).toEqual([newPatientId]);

    const first = entries[0]!.resource as Encounter;
    expect(first.subject?.reference).toBe(`Patient/${existing.id}`);
    expect(first.participant?.[0]?.individual?.reference).toBe(`Practitioner/${doctor.id}`);
    expect((entries[1]!.resource as Encounter).subject?.reference).toBe(`Patient/${newPatientId}`);
  });

  it('fails the whole transaction when a conditional reference matches nothing or several', async () => {
    const before = await versionsOf('Encounter');
    const unresolved = await fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient(mrn()), request: { method: 'POST', url: 'Patient' } },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: `Patient?identifier=${SYSTEM}|nobody-${mrn()}` },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    });
    expect(unresolved.statusCode).toBe(412);
    const outcome = unresolved.json() as OperationOutcome;
    expect(outcome.issue[0]?.code).toBe('not-found');
    expect(outcome.issue[0]?.expression).toEqual(['Bundle.entry[1].resource.subject.reference']);

    const twin = mrn();
    await fhir.create(patient(twin));
    await fhir.create(patient(twin));
    const ambiguous = await fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: `Patient?identifier=${SYSTEM}|${twin}` },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    });
    expect(ambiguous.statusCode).toBe(412);
    expect((ambiguous.json() as OperationOutcome).issue[0]?.code).toBe('multiple-matches');
    expect(await versionsOf('Encounter')).toBe(before);
  });

  it('runs a conditional DELETE entry before the creates of the same transaction', async () => {
    const value = mrn();
    const old = await fhir.create(patient(value));
    const res = await fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: patient(value, { gender: 'male' }),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|${value}` },
        },
        { request: { method: 'DELETE', url: `Patient?identifier=${SYSTEM}|${value}` } },
      ],
    });
    expect(res.statusCode).toBe(200);
    const entries = (res.json() as Bundle).entry!;
    // The delete ran first, so the conditional create found nothing and created a new patient.
    expect(entries[0]!.response?.status).toBe('201 Created');
    expect((await fhir.get(`Patient/${old.id}`)).statusCode).toBe(410);
    expect(await idsWith(value)).toEqual([(entries[0]!.resource as Patient).id]);
  });

  it('answers GET search entries last, so they see the writes of their transaction', async () => {
    const value = mrn();
    const res = await fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: `Patient?identifier=${SYSTEM}|${value}` } },
        { resource: patient(value), request: { method: 'POST', url: 'Patient' } },
      ],
    });
    expect(res.statusCode).toBe(200);
    const [search, created] = (res.json() as Bundle).entry!;
    expect(search!.response?.status).toBe('200 OK');
    const found = search!.resource as Bundle;
    expect(found.type).toBe('searchset');
    expect(found.entry?.map((entry) => entry.resource?.id)).toEqual([(created!.resource as Patient).id]);
  });

  it('points at the criteria when a conditional entry uses an unknown search parameter', async () => {
    const res = await fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient(mrn()), request: { method: 'POST', url: 'Patient', ifNoneExist: 'shoe-size=42' } }],
    });
    expect(res.statusCode).toBe(400);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.issue[0]?.expression).toEqual(['Bundle.entry[0].request.ifNoneExist']);
    expect(outcome.issue[0]?.diagnostics).toContain('shoe-size');
  });

  it('creates one resource when simultaneous transactions carry the same conditional create', async () => {
    const value = mrn();
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: patient(value),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|${value}` },
        },
      ],
    };
    const answers = await Promise.all(Array.from({ length: 6 }, () => fhir.post('', bundle)));
    expect(answers.every((res) => res.statusCode === 200)).toBe(true);
    const statuses = answers.map((res) => (res.json() as Bundle).entry![0]!.response?.status).sort();
    expect(statuses).toEqual(['200 OK', '200 OK', '200 OK', '200 OK', '200 OK', '201 Created']);
    expect(await idsWith(value)).toHaveLength(1);
  });

  it('does not deadlock when simultaneous transactions name the same criteria in opposite orders', async () => {
    const [x, y] = [mrn(), mrn()];
    const create = (value: string) => ({
      resource: patient(value),
      request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|${value}` },
    });
    const forward = { resourceType: 'Bundle', type: 'transaction', entry: [create(x), create(y)] };
    const backward = { resourceType: 'Bundle', type: 'transaction', entry: [create(y), create(x)] };
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => fhir.post('', i % 2 ? backward : forward)));
    expect(answers.map((res) => res.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await idsWith(x)).toHaveLength(1);
    expect(await idsWith(y)).toHaveLength(1);
  });
});
