import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, signIn, type TestApp } from '../../../test/test-app';
import { isValidMrn } from './mrn';
import { patientsApi, person } from './patients.test-helpers';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const mrnOf = (patient: Patient, tenantId: string) =>
  patient.identifier?.find(
    (identifier) => identifier.system === `https://meridian.health/fhir/identifier/mrn/${tenantId}`,
  );

describe('registration', () => {
  it('assigns an MRN, then warns about a likely duplicate before making a second record, unless forced', async () => {
    const tenant = newTenantId();
    const api = patientsApi(app, tenant);
    const first = await api.post('/patients', { patient: person() });
    expect(first.statusCode).toBe(201);
    const registered = first.json() as { patient: Patient; mrn: string };
    expect(registered.mrn).toBe('MRN00000018');
    const identifier = mrnOf(registered.patient, tenant)!;
    expect(identifier.value).toBe('MRN00000018');
    expect(identifier.type?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
      code: 'MR',
    });

    // Same person, typed again with a misspelt name and day and month swapped.
    const again = person({ family: 'Okafur', birthDate: '1987-09-04' });
    const warned = await api.post('/patients', { patient: again });
    expect(warned.statusCode).toBe(409);
    const problem = warned.json();
    expect(problem.code).toBe('PATIENT_DUPLICATE_SUSPECTED');
    expect(problem.candidates).toHaveLength(1);
    expect(problem.candidates[0]).toMatchObject({
      id: registered.patient.id,
      name: 'Chioma Okafor',
      birthDate: '1987-04-09',
      mrn: 'MRN00000018',
      grade: 'probable',
    });
    expect(problem.candidates[0].matched).toEqual(
      expect.arrayContaining(['name', 'birthDate (day and month swapped)', 'gender', 'phone', 'address']),
    );
    // Nothing was stored by the refused attempt.
    const search = (await fhirClient(app, tenant).get('Patient?_summary=count')).json() as Bundle;
    expect(search.total).toBe(1);

    const forced = await api.post('/patients', { patient: again, force: true });
    expect(forced.statusCode).toBe(201);
    expect(forced.json().mrn).toBe('MRN00000026');
    expect(forced.json().acknowledged).toEqual([expect.objectContaining({ id: registered.patient.id })]);

    // Someone else entirely is registered without a warning.
    const other = await api.post('/patients', {
      patient: person({
        family: 'Lindqvist',
        given: 'Erik',
        gender: 'male',
        birthDate: '1950-11-30',
        telecom: [],
        address: [],
      }),
    });
    expect(other.statusCode).toBe(201);
  });

  it('refuses missing or impossible demographics with the field named', async () => {
    const api = patientsApi(app, newTenantId());
    const cases: [Patient, string][] = [
      [{ ...person(), birthDate: '1987-02-30' }, 'patient.birthDate'],
      [{ ...person(), birthDate: '2999-01-01' }, 'patient.birthDate'],
      [{ ...person(), name: [{ given: ['Chioma'] }] }, 'patient.name[0].family'],
      [{ ...person(), gender: undefined } as Patient, 'patient.gender'],
      [{ ...person(), telecom: [{ system: 'email', value: 'not-an-address' }] }, 'patient.telecom[0].value'],
    ];
    for (const [patient, path] of cases) {
      const res = await api.post('/patients', { patient });
      expect(res.statusCode, path).toBe(400);
      expect(res.json()).toMatchObject({ code: 'PATIENT_INVALID_REQUEST', path });
    }
    const noBody = await api.post('/patients', { force: true });
    expect(noBody.statusCode).toBe(400);
    expect(noBody.json().code).toBe('PATIENT_INVALID_REQUEST');
    const invalidFhir = await api.post('/patients', { patient: { ...person(), gender: 'robot' } });
    expect(invalidFhir.statusCode).toBe(400);
    expect(invalidFhir.json().code).toBe('PATIENT_INVALID_RESOURCE');
  });

  it('issues unique, well-formed MRNs to concurrent registrations', async () => {
    const tenant = newTenantId();
    const api = patientsApi(app, tenant);
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api.post('/patients', {
          patient: person({
            family: `Family${String.fromCharCode(65 + i)}x`,
            given: `Given${i}`,
            birthDate: `19${50 + i}-01-15`,
            telecom: [],
            address: [],
          }),
          force: true,
        }),
      ),
    );
    expect(responses.map((res) => res.statusCode)).toEqual(Array(24).fill(201));
    const mrns = responses.map((res) => res.json().mrn as string);
    expect(new Set(mrns).size).toBe(24);
    for (const mrn of mrns) expect(isValidMrn({ prefix: 'MRN', digits: 7, checkDigit: 'luhn' }, mrn)).toBe(true);
    expect(mrns.map((mrn) => Number(mrn.slice(3, 10))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
  });

  it('gives a Patient created through the FHIR API an MRN, and never reissues a number', async () => {
    const tenant = newTenantId();
    const fhir = fhirClient(app, tenant);
    const created = await fhir.create(person());
    expect(mrnOf(created, tenant)?.value).toBe('MRN00000018');
    // Deleting the patient does not free its number.
    expect((await fhir.delete(`Patient/${created.id}`)).statusCode).toBe(204);
    const next = await fhir.create(person({ family: 'Another' }));
    expect(mrnOf(next, tenant)?.value).toBe('MRN00000026');
    // An MRN in the tenant's system is kept when well formed and new, refused when malformed or taken.
    const system = `https://meridian.health/fhir/identifier/mrn/${tenant}`;
    const bad = await fhir.post('Patient', { ...person(), identifier: [{ system, value: 'MRN00000019' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issue[0].expression).toEqual(['Patient.identifier[0].value']);
    const taken = await fhir.post('Patient', { ...person(), identifier: [{ system, value: 'MRN00000018' }] });
    expect(taken.statusCode).toBe(409);
    const brought = await fhir.create({
      ...person({ family: 'Imported' }),
      identifier: [{ system, value: 'MRN00000034' }],
    });
    expect(mrnOf(brought, tenant)?.value).toBe('MRN00000034');
    // The counter skips the number brought in.
    const after = await fhir.create(person({ family: 'Later' }));
    expect(mrnOf(after, tenant)?.value).toBe('MRN00000042');
    // Updates keep the MRN as it is.
    const updated = await fhir.put(`Patient/${after.id}`, { ...after, gender: 'other' });
    expect(mrnOf(updated.json(), tenant)?.value).toBe('MRN00000042');
  });
});

describe('settings', () => {
  it('lets a tenant admin change the MRN format and thresholds, and refuses bad settings', async () => {
    const admin = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const defaults = await admin.request('GET', '/patients/settings');
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json()).toEqual({
      mrn: { prefix: 'MRN', digits: 7, checkDigit: 'luhn' },
      matching: { certain: 0.95, probable: 0.8, possible: 0.6 },
    });
    const settings = {
      mrn: { prefix: 'H', digits: 6, checkDigit: 'mod11-2' },
      matching: { certain: 0.9, probable: 0.75, possible: 0.5 },
    };
    const saved = await admin.request('PUT', '/patients/settings', settings);
    expect(saved.statusCode).toBe(200);
    const registered = await patientsApi(app, admin.tenantId).post('/patients', { patient: person() });
    expect(registered.statusCode, registered.body).toBe(201);
    // 000001 under ISO 7064 MOD 11-2: (1 * 2) mod 11 = 2, check (12 - 2) mod 11 = 10, written X.
    expect(registered.json().mrn).toBe('H000001X');

    const unordered = await admin.request('PUT', '/patients/settings', {
      ...settings,
      matching: { certain: 0.5, probable: 0.75, possible: 0.9 },
    });
    expect(unordered.statusCode).toBe(400);
    expect(unordered.json()).toMatchObject({ code: 'PATIENT_INVALID_SETTINGS', path: 'matching' });
    const badScheme = await admin.request('PUT', '/patients/settings', {
      ...settings,
      mrn: { ...settings.mrn, checkDigit: 'crc' },
    });
    expect(badScheme.statusCode).toBe(400);
    expect(badScheme.json().code).toBe('PATIENT_INVALID_REQUEST');

    const clerk = await signIn(app, { role: 'physician', tenantId: admin.tenantId });
    expect((await clerk.request('PUT', '/patients/settings', settings)).statusCode).toBe(403);
  });
});

describe('Patient/$match', () => {
  it('returns scored candidates with match grades, best first, and only certain ones when asked', async () => {
    const tenant = newTenantId();
    const fhir = fhirClient(app, tenant);
    const same = await fhir.create(
      person({
        telecom: [
          { system: 'phone', value: '617-555-0142' },
          { system: 'email', value: 'chioma@example.org' },
        ],
      }),
    );
    const similar = await fhir.create(person({ family: 'Okafo', telecom: [], address: [] }));
    await fhir.create(
      person({ family: 'Brennan', given: 'Siobhan', birthDate: '1962-08-01', telecom: [], address: [] }),
    );
    const query = person({
      telecom: [
        { system: 'phone', value: '(617) 555-0142' },
        { system: 'email', value: 'Chioma@Example.org' },
      ],
    });
    const parameters = (extra: object[] = []) => ({
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource: query }, ...extra],
    });
    const res = await fhir.post('Patient/$match', parameters());
    expect(res.statusCode).toBe(200);
    const bundle = res.json() as Bundle;
    expect(bundle.type).toBe('searchset');
    expect(bundle.entry?.map((entry) => entry.resource?.id)).toEqual([same.id, similar.id]);
    expect(bundle.entry?.[0]?.search).toEqual({
      mode: 'match',
      score: 1,
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/match-grade', valueCode: 'certain' }],
    });
    const second = bundle.entry?.[1]?.search;
    expect(second?.score).toBeGreaterThan(0.6);
    expect(second?.score).toBeLessThan(0.8);
    expect(second?.extension?.[0]?.valueCode).toBe('possible');

    const certain = (
      await fhir.post('Patient/$match', parameters([{ name: 'onlyCertainMatches', valueBoolean: true }]))
    ).json() as Bundle;
    expect(certain.entry?.map((entry) => entry.resource?.id)).toEqual([same.id]);
    const one = (await fhir.post('Patient/$match', parameters([{ name: 'count', valueInteger: 1 }]))).json() as Bundle;
    expect(one.entry).toHaveLength(1);

    const missing = await fhir.post('Patient/$match', { resourceType: 'Parameters', parameter: [] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().issue[0].expression).toEqual(['Parameters.parameter[resource]']);
    const capability = (await fhir.get('metadata')).json();
    const operations = capability.rest[0].resource.find((r: { type: string }) => r.type === 'Patient').operation ?? [];
    const listed = [...operations, ...(capability.rest[0].operation ?? [])].map((op: { name: string }) => op.name);
    expect(listed).toContain('match');
  });

  it('finds duplicates of a registered patient on demand', async () => {
    const tenant = newTenantId();
    const api = patientsApi(app, tenant);
    const a = (await api.post('/patients', { patient: person() })).json().patient as Patient;
    const b = (
      await api.post('/patients', { patient: person({ given: 'Chioma', family: 'Okafor' }), force: true })
    ).json().patient as Patient;
    const found = await api.get(`/patients/${a.id}/duplicates`);
    expect(found.statusCode).toBe(200);
    expect(found.json().candidates.map((c: { id: string }) => c.id)).toEqual([b.id]);
    expect((await api.get('/patients/does-not-exist/duplicates')).json().code).toBe('PATIENT_NOT_FOUND');
    const check = await api.post('/patients/duplicates', { patient: person({ family: 'Okafor' }) });
    expect(
      check
        .json()
        .candidates.map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual([a.id, b.id].sort());
  });
});

describe('MRN on updates', () => {
  it('keeps the MRN when an update leaves it out, refuses changing it, and keeps an unchanged update unversioned', async () => {
    const tenant = newTenantId();
    const fhir = fhirClient(app, tenant);
    const system = `https://meridian.health/fhir/identifier/mrn/${tenant}`;
    const input = { ...person(), id: 'kept-mrn' };
    const created = await fhir.put('Patient/kept-mrn', input);
    expect(created.statusCode).toBe(201);
    expect(mrnOf(created.json(), tenant)?.value).toBe('MRN00000018');
    // The same body again (as a re-import sends it): nothing changes, no new version.
    const again = await fhir.put('Patient/kept-mrn', input);
    expect(again.statusCode).toBe(200);
    expect(again.json().meta.versionId).toBe('1');
    const edited = await fhir.put('Patient/kept-mrn', { ...input, gender: 'other' });
    expect(edited.json().meta.versionId).toBe('2');
    expect(mrnOf(edited.json(), tenant)?.value).toBe('MRN00000018');
    const changed = await fhir.put('Patient/kept-mrn', { ...input, identifier: [{ system, value: 'MRN00000026' }] });
    expect(changed.statusCode).toBe(400);
    expect(changed.json().issue[0].expression).toEqual(['Patient.identifier[0].value']);
    // A JSON Patch cannot remove it either (it is put back) nor change it.
    const index = (edited.json() as Patient).identifier!.findIndex((identifier) => identifier.system === system);
    const removed = await fhir.patch('Patient/kept-mrn', [{ op: 'remove', path: `/identifier/${index}` }]);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(mrnOf(removed.json(), tenant)?.value).toBe('MRN00000018');
    const altered = await fhir.patch('Patient/kept-mrn', [
      { op: 'replace', path: `/identifier/${index}/value`, value: 'MRN00000026' },
    ]);
    expect(altered.statusCode).toBe(400);
    const now = (await fhir.get('Patient/kept-mrn')).json() as Patient;
    expect(mrnOf(now, tenant)?.value).toBe('MRN00000018');
    expect(now.gender).toBe('other');
  });
});

describe('MRNs in a Bundle', () => {
  it('draws numbers for every patient of a transaction at once, skipping one a patient brought in', async () => {
    const tenant = newTenantId();
    const system = `https://meridian.health/fhir/identifier/mrn/${tenant}`;
    const entry = [
      { ...person({ family: 'Brought' }), identifier: [{ system, value: 'MRN00000026' }] },
      person({ family: 'First' }),
      person({ family: 'Second' }),
    ].map((resource) => ({ resource, request: { method: 'POST', url: 'Patient' } }));
    const res = await fhirClient(app, tenant).post('', { resourceType: 'Bundle', type: 'transaction', entry });
    expect(res.statusCode, res.body).toBe(200);
    const created = (res.json() as Bundle).entry!.map((e) => mrnOf(e.resource as Patient, tenant)?.value);
    expect(created).toEqual(['MRN00000026', 'MRN00000018', 'MRN00000034']);
    // A bad number in a Bundle is named by its entry.
    const bad = await fhirClient(app, tenant).post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: person(), request: { method: 'POST', url: 'Patient' } },
        {
          resource: { ...person(), identifier: [{ system, value: 'MRN00000027' }] },
          request: { method: 'POST', url: 'Patient' },
        },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issue[0].expression[0]).toMatch(/^Bundle\.entry\[1\]/);
  });
});

describe('OpenAPI', () => {
  it('documents the patients API with its request schemas', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/docs/json' });
    const paths = res.json().paths as Record<string, Record<string, { tags?: string[]; requestBody?: unknown }>>;
    for (const path of [
      '/patients',
      '/patients/settings',
      '/patients/duplicates',
      '/patients/merge',
      '/patients/merge/{id}/undo',
      '/patients/{id}/summary',
      '/patients/{id}/timeline',
    ]) {
      expect(paths[path], path).toBeDefined();
    }
    expect(paths['/patients']!.post!.tags).toEqual(['patients']);
    expect(JSON.stringify(paths['/patients']!.post!.requestBody)).toContain('force');
  });
});
