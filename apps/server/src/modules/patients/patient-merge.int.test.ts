import type { Bundle, Condition, Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, signIn, type TestApp } from '../../../test/test-app';
import { patientsApi, person } from './patients.test-helpers';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

async function chartFor(fhir: ReturnType<typeof fhirClient>, patientId: string) {
  const subject = { reference: `Patient/${patientId}` };
  const encounter = await fhir.create<Encounter>({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject,
    period: { start: '2024-02-01T09:00:00Z', end: '2024-02-01T09:30:00Z' },
  });
  const condition = await fhir.create<Condition>({
    resourceType: 'Condition',
    subject,
    encounter: { reference: `Encounter/${encounter.id}` },
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { text: 'Asthma' },
    onsetDateTime: '2024-02-01',
  });
  // Two references to the patient in one resource: subject and performer.
  const observation = await fhir.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '72166-2' }], text: 'Tobacco smoking status' },
    subject,
    performer: [{ reference: `Patient/${patientId}` }],
    effectiveDateTime: '2024-02-01T09:10:00Z',
    valueCodeableConcept: { text: 'Never smoker' },
  });
  return { encounter, condition, observation };
}

const referencesTo = (resource: Resource, patientId: string) =>
  (JSON.stringify(resource).match(new RegExp(`Patient/${patientId}"`, 'g')) ?? []).length;

describe('merge and undo', () => {
  it('moves every reference to the surviving record, links both, audits, and undo puts everything back', async () => {
    const admin = await signIn(app, { role: 'tenant_admin', tenantId: newTenantId() });
    const tenant = admin.tenantId;
    const api = patientsApi(app, tenant);
    const fhir = fhirClient(app, tenant);
    const target = (await api.post('/patients', { patient: person() })).json().patient as Patient;
    const source = (await api.post('/patients', { patient: person({ family: 'Okafur' }), force: true })).json()
      .patient as Patient;
    const sourceChart = await chartFor(fhir, source.id!);
    const targetChart = await chartFor(fhir, target.id!);

    const merged = await api.post('/patients/merge', { source: source.id, target: target.id });
    expect(merged.statusCode, merged.body).toBe(201);
    const record = merged.json();
    expect(record).toMatchObject({ sourceId: source.id, targetId: target.id, undoneAt: null });
    expect(
      record.moved
        .map((m: { resourceType: string; id: string; fromVersion: string; toVersion: string }) => [
          `${m.resourceType}/${m.id}`,
          m.fromVersion,
          m.toVersion,
        ])
        .sort(),
    ).toEqual(
      [
        [`Condition/${sourceChart.condition.id}`, '1', '2'],
        [`Encounter/${sourceChart.encounter.id}`, '1', '2'],
        [`Observation/${sourceChart.observation.id}`, '1', '2'],
      ].sort(),
    );
    const observationMove = record.moved.find((m: { resourceType: string }) => m.resourceType === 'Observation');
    expect(observationMove.paths.sort()).toEqual(['/performer/0', '/subject']);

    for (const resource of Object.values(sourceChart)) {
      const now = (await fhir.get(`${resource.resourceType}/${resource.id}`)).json() as Resource;
      expect(now.meta?.versionId).toBe('2');
      expect(referencesTo(now, source.id!)).toBe(0);
      expect(referencesTo(now, target.id!)).toBe(referencesTo(resource, source.id!));
    }
    // The target's own resources were not touched.
    expect(((await fhir.get(`Condition/${targetChart.condition.id}`)).json() as Resource).meta?.versionId).toBe('1');
    const conditions = (await fhir.get(`Condition?patient=Patient/${target.id}`)).json() as Bundle;
    expect(conditions.entry).toHaveLength(2);
    expect(((await fhir.get(`Condition?patient=Patient/${source.id}`)).json() as Bundle).entry ?? []).toHaveLength(0);

    const replaced = (await fhir.get(`Patient/${source.id}`)).json() as Patient;
    expect(replaced.active).toBe(false);
    expect(replaced.link).toEqual([{ other: { reference: `Patient/${target.id}` }, type: 'replaced-by' }]);
    const surviving = (await fhir.get(`Patient/${target.id}`)).json() as Patient;
    expect(surviving.link).toEqual([{ other: { reference: `Patient/${source.id}` }, type: 'replaces' }]);
    // The merged-away record is no longer offered as a duplicate.
    const candidates = (await api.post('/patients/duplicates', { patient: person() })).json().candidates;
    expect(candidates.map((c: { id: string }) => c.id)).toEqual([target.id]);

    const audit = await admin.request('GET', '/audit/events?action=patient-merge');
    const events = (audit.json() as Bundle).entry ?? [];
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0])).toContain(source.id!);

    // Recorded after the merge, on the surviving record: stays there after the undo.
    const later = await fhir.create<Condition>({
      resourceType: 'Condition',
      subject: { reference: `Patient/${target.id}` },
      code: { text: 'Hay fever' },
    });

    expect((await api.get(`/patients/merge/${record.id}`)).json().id).toBe(record.id);
    const undone = await api.post(`/patients/merge/${record.id}/undo`);
    expect(undone.statusCode, undone.body).toBe(200);
    expect(undone.json().restored).toHaveLength(3);
    for (const resource of Object.values(sourceChart)) {
      const now = (await fhir.get(`${resource.resourceType}/${resource.id}`)).json() as Resource;
      expect(now.meta?.versionId).toBe('3');
      const { meta: _a, ...after } = now;
      const { meta: _b, ...before } = resource as Resource;
      expect(after).toEqual(before);
    }
    const laterNow = (await fhir.get(`Condition/${later.id}`)).json() as Condition;
    expect(laterNow.subject?.reference).toBe(`Patient/${target.id}`);
    const restoredSource = (await fhir.get(`Patient/${source.id}`)).json() as Patient;
    expect(restoredSource.active).toBeUndefined();
    expect(restoredSource.link).toBeUndefined();
    expect(((await fhir.get(`Patient/${target.id}`)).json() as Patient).link).toBeUndefined();
    const both = (await api.post('/patients/duplicates', { patient: person() })).json().candidates;
    expect(both.map((c: { id: string }) => c.id).sort()).toEqual([source.id, target.id].sort());
    expect((await api.get(`/patients/merge/${record.id}`)).json().undoneAt).not.toBeNull();
    const undoAudit = ((await admin.request('GET', '/audit/events?action=patient-merge-undo')).json() as Bundle).entry;
    expect(undoAudit).toHaveLength(1);

    // Reading the chart through the patients API is on record too.
    expect((await api.get(`/patients/${target.id}/summary`)).statusCode).toBe(200);
    const reads = ((await admin.request('GET', '/audit/events?action=patient-summary')).json() as Bundle).entry ?? [];
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0])).toContain(target.id!);

    const again = await api.post(`/patients/merge/${record.id}/undo`);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('PATIENT_MERGE_UNDONE');
  });

  it('refuses merges that make no sense, changing nothing', async () => {
    const tenant = newTenantId();
    const api = patientsApi(app, tenant);
    const fhir = fhirClient(app, tenant);
    const a = (await api.post('/patients', { patient: person() })).json().patient as Patient;
    const b = (await api.post('/patients', { patient: person({ given: 'Ada' }), force: true })).json()
      .patient as Patient;
    const c = (await api.post('/patients', { patient: person({ given: 'Uche' }), force: true })).json()
      .patient as Patient;
    const self = await api.post('/patients/merge', { source: a.id, target: a.id });
    expect(self.json()).toMatchObject({ status: 409, code: 'PATIENT_MERGE_REFUSED' });
    const missing = await api.post('/patients/merge', { source: a.id, target: 'no-such-patient' });
    expect(missing.json()).toMatchObject({ status: 404, code: 'PATIENT_NOT_FOUND' });
    expect(((await fhir.get(`Patient/${a.id}`)).json() as Patient).meta?.versionId).toBe('1');
    expect((await api.post('/patients/merge', { source: a.id, target: b.id })).statusCode).toBe(201);
    const twice = await api.post('/patients/merge', { source: a.id, target: c.id });
    expect(twice.json()).toMatchObject({ status: 409, code: 'PATIENT_MERGE_REFUSED' });
    const intoMerged = await api.post('/patients/merge', { source: c.id, target: a.id });
    expect(intoMerged.json()).toMatchObject({ status: 409, code: 'PATIENT_MERGE_REFUSED' });
    expect((await api.post('/patients/merge', { source: a.id })).json().code).toBe('PATIENT_INVALID_REQUEST');
    const unknown = await api.post('/patients/merge/6f1c2a52-5d0b-4a55-9d0e-0d1c1f1f1f1f/undo');
    expect(unknown.json()).toMatchObject({ status: 404, code: 'PATIENT_MERGE_NOT_FOUND' });
  });
});
