import type { AuditEvent, Bundle, Composition, Encounter } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;
let doctor: SignedIn;
let nurse: SignedIn;
let desk: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  const tenantId = newTenantId();
  doctor = await signIn(app, { role: 'physician', tenantId });
  nurse = await signIn(app, { role: 'nurse', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
});
afterAll(async () => app?.close());

async function ok(response: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) {
  const res = await response;
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

it('a visit: check in, triage with vitals, a signed SOAP note with an addendum, check out — all on record', async () => {
  const patient = await doctor.fhir.create({
    resourceType: 'Patient',
    name: [{ family: 'Achterberg', given: ['Lotte'] }],
    birthDate: '1985-04-12',
  });
  const practitioner = await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Veldman' }] });

  // Planned, then the patient arrives.
  const planned: Encounter = await ok(
    doctor.request('POST', '/encounters', {
      patient: patient.id,
      class: 'AMB',
      reason: 'Fever and cough',
      attending: practitioner.id,
    }),
    201,
  );
  expect(planned.status).toBe('planned');
  const encounter = planned.id!;
  // Finishing a visit that has not started is refused, naming what is possible.
  const early = await doctor.request('POST', `/encounters/${encounter}/check-out`);
  expect(early.statusCode).toBe(409);
  expect(early.json().allowedTransitions).toEqual(['arrived', 'cancelled', 'entered-in-error']);
  // The front desk checks the patient in; the nurse triages; the physician sees them.
  expect((await ok(desk.request('POST', `/encounters/${encounter}/check-in`))).status).toBe('arrived');

  // Triage: vitals. An impossible value is refused first; then °F is converted and BMI computed.
  const impossible = await nurse.request('POST', `/patients/${patient.id}/vitals`, {
    encounter,
    measurements: [{ type: 'oxygen-saturation', value: 140 }],
  });
  expect(impossible.statusCode).toBe(422);
  expect(impossible.json()).toMatchObject({ code: 'VITALS_IMPLAUSIBLE', path: 'measurements.0.value' });
  const vitals = await ok(
    nurse.request('POST', `/patients/${patient.id}/vitals`, {
      encounter,
      measurements: [
        { type: 'body-temperature', value: 102.2, unit: '[degF]' },
        { type: 'oxygen-saturation', value: 95 },
        { type: 'blood-pressure', systolic: 132, diastolic: 86 },
        { type: 'body-weight', value: 68 },
        { type: 'body-height', value: 1.72, unit: 'm' },
      ],
    }),
    201,
  );
  expect(vitals.observations[0].valueQuantity).toMatchObject({ value: 39, code: 'Cel' });
  expect(vitals.bmi).toBe(23);
  expect(vitals.observations.every((o: any) => o.encounter.reference === `Encounter/${encounter}`)).toBe(true);
  expect((await ok(nurse.request('POST', `/encounters/${encounter}/transitions`, { to: 'triaged' }))).status).toBe(
    'triaged',
  );
  expect((await ok(doctor.request('POST', `/encounters/${encounter}/transitions`, { to: 'in-progress' }))).status).toBe(
    'in-progress',
  );

  // The doctor documents from the SOAP template, signs, cannot edit after signing, adds a signed addendum.
  const note = await ok(
    doctor.request('POST', '/notes', {
      template: 'soap',
      patient: patient.id,
      encounter,
      sections: { subjective: 'Fever and productive cough for 4 days.' },
    }),
    201,
  );
  await ok(
    doctor.request('PATCH', `/notes/${note.id}`, {
      sections: {
        objective: 'T 39.0 °C, SpO2 95 %, crackles left base.',
        assessment: 'Community-acquired pneumonia.',
        plan: 'Amoxicillin 1 g three times daily for 5 days.',
      },
    }),
  );
  const signed = await ok(doctor.request('POST', `/notes/${note.id}/sign`));
  expect(signed.status).toBe('signed');
  const edit = await doctor.request('PATCH', `/notes/${note.id}`, { sections: { plan: 'Doxycycline' } });
  expect(edit.statusCode).toBe(409);
  expect(edit.json().code).toBe('NOTE_SIGNED');
  const addendum = await ok(
    doctor.request('POST', `/notes/${note.id}/addenda`, { text: 'Penicillin allergy reported: plan is doxycycline.' }),
    201,
  );
  expect((await ok(doctor.request('POST', `/notes/${addendum.id}/sign`))).status).toBe('signed');
  const composition = (await doctor.fhir.get(`Composition/${addendum.id}`)).json() as Composition;
  expect(composition.relatesTo?.[0]).toMatchObject({
    code: 'appends',
    targetReference: { reference: `Composition/${note.id}` },
  });

  // Check out.
  const finished: Encounter = await ok(doctor.request('POST', `/encounters/${encounter}/check-out`));
  expect(finished.status).toBe('finished');
  expect(finished.statusHistory?.map((entry) => entry.status)).toEqual([
    'planned',
    'arrived',
    'triaged',
    'in-progress',
    'finished',
  ]);
  const reopen = await doctor.request('POST', `/encounters/${encounter}/transitions`, { to: 'in-progress' });
  expect(reopen.statusCode).toBe(409);

  // The audit trail names who moved the visit, who recorded vitals and who signed.
  const trail = (await ok(
    admin.request('GET', `/audit/events?patient=${patient.id}&_count=200`),
  )) as Bundle<AuditEvent>;
  const events = (trail.entry ?? []).map((entry) => entry.resource!);
  const by = (action: string) =>
    events.filter((event) => JSON.stringify(event).includes(`"${action}"`)).map((event) => JSON.stringify(event));
  const transitions = by('encounter-transition');
  expect(transitions).toHaveLength(4);
  // Newest first: check-out and start by the physician, triage by the nurse, check-in by the front desk.
  expect(transitions.map((event) => [desk, nurse, doctor].find((who) => event.includes(who.userId)))).toEqual([
    doctor,
    doctor,
    nurse,
    desk,
  ]);
  const recorded = by('vitals-record');
  expect(recorded).toHaveLength(6);
  expect(recorded.every((event) => event.includes(nurse.userId))).toBe(true);
  expect(by('note-sign')).toHaveLength(2);
  // Reads through the task API are on record too.
  await ok(doctor.request('GET', `/notes/${note.id}`));
  await ok(doctor.request('GET', `/encounters/${encounter}`));
  const reads = (
    (await ok(
      admin.request('GET', `/audit/events?patient=${patient.id}&action=read&user=${doctor.userId}`),
    )) as Bundle<AuditEvent>
  ).entry?.map((entry) => JSON.stringify(entry.resource));
  expect(reads?.some((event) => event.includes(`Composition/${note.id}`))).toBe(true);
  expect(reads?.some((event) => event.includes(`Encounter/${encounter}`))).toBe(true);
});
