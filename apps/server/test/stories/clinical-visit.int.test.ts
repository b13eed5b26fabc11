import type { AuditEvent, Bundle, Communication, Encounter, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Caller, memberOf, serviceClient } from '../../src/modules/orders/orders.int-helpers';
import { createTestApp, newTenantId, type TestApp } from '../test-app';

/**
 * The clinical record's story through the APIs a clinic uses, one step after the other: register (a likely
 * duplicate warned about), check in, vitals (an impossible value refused), a signed note with an
 * addendum, problems and allergies, a lab order, its critical result alerting the orderer, the
 * acknowledgement, the visit finished; then the duplicate merged and the merge undone.
 */
let app: TestApp;
let desk: Caller;
let nurse: Caller;
let doctor: Caller;
let lab: Caller;
let admin: Caller;
let practitionerId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  const tenantId = newTenantId();
  admin = await memberOf(app, tenantId, 'tenant_admin');
  const practitioner = await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Adeyemi' }] });
  practitionerId = practitioner.id!;
  doctor = await memberOf(app, tenantId, 'physician', `Practitioner/${practitionerId}`);
  nurse = await memberOf(app, tenantId, 'nurse');
  desk = await memberOf(app, tenantId, 'front_desk');
  lab = await serviceClient(app, tenantId, 'lab-analyser');
}, 120_000);
afterAll(async () => app?.close());

async function ok<T = any>(response: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) {
  const res = await response;
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
}

const person = (family: string, birthDate: string): Patient => ({
  resourceType: 'Patient',
  name: [{ family, given: ['Ifeoma'] }],
  gender: 'female',
  birthDate,
  telecom: [{ system: 'phone', value: '+44 20 7946 0958' }],
});

it('register, check in, vitals, note, problems and allergies, a critical lab result acknowledged, merge and undo', async () => {
  // Registration: the server assigns the MRN; the same person typed again is a likely duplicate.
  const registered = await ok<{ patient: Patient; mrn: string }>(
    desk.request('POST', '/patients', { patient: person('Nwachukwu', '1979-03-14') }),
    201,
  );
  const patientId = registered.patient.id!;
  expect(registered.mrn).toMatch(/\d/);
  const warned = await desk.request('POST', '/patients', { patient: person('Nwachukwo', '1979-03-14') });
  expect(warned.statusCode).toBe(409);
  expect(warned.json().candidates[0]).toMatchObject({ id: patientId });
  // Registered anyway (the clerk was sure); the merge at the end puts that right.
  const duplicate = await ok<{ patient: Patient }>(
    desk.request('POST', '/patients', { patient: person('Nwachukwo', '1979-03-14'), force: true }),
    201,
  );

  // Check in: a visit, arrived.
  const visit = await ok<Encounter>(
    doctor.request('POST', '/encounters', { patient: patientId, class: 'AMB', reason: 'Palpitations' }),
    201,
  );
  const encounter = visit.id!;
  expect((await ok<Encounter>(desk.request('POST', `/encounters/${encounter}/check-in`))).status).toBe('arrived');

  // Vitals: an impossible heart rate is refused on its field; a plausible set is stored.
  const impossible = await nurse.request('POST', `/patients/${patientId}/vitals`, {
    encounter,
    measurements: [{ type: 'heart-rate', value: 700, unit: '/min' }],
  });
  expect(impossible.statusCode).toBe(422);
  expect(impossible.json()).toMatchObject({ code: 'VITALS_IMPLAUSIBLE', path: 'measurements.0.value' });
  await ok(
    nurse.request('POST', `/patients/${patientId}/vitals`, {
      encounter,
      measurements: [
        { type: 'heart-rate', value: 118, unit: '/min' },
        { type: 'blood-pressure', systolic: 142, diastolic: 91 },
      ],
    }),
    201,
  );
  await ok(nurse.request('POST', `/encounters/${encounter}/transitions`, { to: 'triaged' }));
  await ok(doctor.request('POST', `/encounters/${encounter}/transitions`, { to: 'in-progress' }));

  // A note, signed; an edit after signing refused; an addendum accepted.
  const note = await ok(
    doctor.request('POST', '/notes', {
      template: 'soap',
      patient: patientId,
      encounter,
      sections: { subjective: 'Palpitations for two days.', assessment: 'Tachycardia, cause unclear.' },
    }),
    201,
  );
  await ok(doctor.request('POST', `/notes/${note.id}/sign`));
  // Editing after signing is refused (PUT of the FHIR Composition: signed documents are read-only).
  const signedNote = (await doctor.fhir.get(`Composition/${note.id}`)).json();
  const edit = await doctor.fhir.put(`Composition/${note.id}`, { ...signedNote, title: 'Something else' });
  expect(edit.statusCode).toBeGreaterThanOrEqual(400);
  expect(edit.statusCode).toBeLessThan(500);
  await ok(doctor.request('POST', `/notes/${note.id}/addenda`, { text: 'Potassium requested.' }), 201);

  // Problems (coded and free text) and an allergy with its reaction.
  await ok(doctor.request('POST', `/patients/${patientId}/problems`, { code: 'I10', onset: '2018' }), 201);
  await ok(doctor.request('POST', `/patients/${patientId}/problems`, { text: 'Palpitations' }), 201);
  await ok(
    nurse.request('POST', `/patients/${patientId}/allergies`, {
      substance: { system: 'rxnorm', code: '7980', display: 'Penicillin G' },
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      reactions: [{ manifestations: ['Hives'], severity: 'moderate' }],
    }),
    201,
  );

  // A lab order: accession number, active; its result comes back with a critical potassium.
  const order = await ok(
    doctor.request('POST', `/patients/${patientId}/orders`, {
      kind: 'lab',
      code: '2823-3',
      display: 'Potassium',
      priority: 'urgent',
      encounter,
      specimen: { type: 'blood' },
    }),
    201,
  );
  expect(order.accessionNumber).toMatch(/^A\d{2}-\d{6}$/);
  await ok(doctor.request('POST', `/orders/${order.id}/activate`));
  const summaryBefore = await ok(doctor.request('GET', `/patients/${patientId}/summary`));
  expect(summaryBefore.openOrders.map((o: { id: string }) => o.id)).toContain(order.id);
  expect(summaryBefore.problems).toHaveLength(2);
  expect(summaryBefore.allergies).toHaveLength(1);
  const result = await ok(
    lab.request('POST', `/orders/${order.id}/results`, {
      status: 'final',
      analytes: [{ code: '2823-3', display: 'Potassium', value: 6.9, unit: 'mmol/L' }],
    }),
    201,
  );
  expect(result.critical).toBe(true);
  expect(result.observations[0].interpretation[0].coding[0].code).toBe('HH');
  const alert = result.alert as Communication;
  expect(alert.recipient?.[0]?.reference).toBe(`Practitioner/${practitionerId}`);

  // The orderer's inbox has it first, flagged; acknowledging takes it off the new list, on record.
  const inbox = await ok(doctor.request('GET', '/inbox/results?status=new'));
  expect(inbox.results[0]).toMatchObject({ reportId: result.report.id, critical: true });
  await ok(doctor.request('POST', `/inbox/results/${result.report.id}/acknowledge`));
  const after = await ok(doctor.request('GET', '/inbox/results?status=new'));
  expect(after.results.map((r: { reportId: string }) => r.reportId)).not.toContain(result.report.id);

  // The visit finishes.
  expect((await ok<Encounter>(doctor.request('POST', `/encounters/${encounter}/check-out`))).status).toBe('finished');

  // The duplicate is merged into the record and the merge undone; nothing is lost either way.
  const merged = await ok(
    doctor.request('POST', '/patients/merge', { source: duplicate.patient.id, target: patientId }),
    201,
  );
  const mergedAway = (await doctor.fhir.get(`Patient/${duplicate.patient.id}`)).json() as Patient;
  expect(mergedAway.link?.[0]).toMatchObject({ type: 'replaced-by', other: { reference: `Patient/${patientId}` } });
  await ok(doctor.request('POST', `/patients/merge/${merged.id}/undo`));
  const restored = (await doctor.fhir.get(`Patient/${duplicate.patient.id}`)).json() as Patient;
  expect(restored.link ?? []).toEqual([]);

  // Who did what is on the record: the acknowledgement and the merge among them.
  const trail = await ok<Bundle<AuditEvent>>(admin.request('GET', `/audit/events?patient=${patientId}&_count=500`));
  const text = JSON.stringify(trail);
  expect(text).toContain('result-acknowledge');
  expect(text).toContain(doctor.userId!);
});
