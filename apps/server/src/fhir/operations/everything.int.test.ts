import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let alice: Patient & { id: string };
let bob: Patient & { id: string };
const ids: Record<string, string> = {};

const refs = (bundle: Bundle, mode?: 'match' | 'include') =>
  (bundle.entry ?? [])
    .filter((entry) => !mode || entry.search?.mode === mode)
    .map((entry) => `${entry.resource?.resourceType}/${entry.resource?.id}`)
    .sort();

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  alice = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Alice' }] });
  bob = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Bob' }] });
  const practitioner = await fhir.create({ resourceType: 'Practitioner', name: [{ family: 'House' }] });
  const organization = await fhir.create({ resourceType: 'Organization', name: 'Clinic' });
  const medication = await fhir.create({ resourceType: 'Medication', code: { text: 'Aspirin' } });
  const unrelated = await fhir.create({ resourceType: 'Organization', name: 'Not referenced' });
  ids.practitioner = practitioner.id;
  ids.organization = organization.id;
  ids.medication = medication.id;
  ids.unrelated = unrelated.id;
  const subject = { reference: `Patient/${alice.id}` };
  ids.oldObservation = (
    await fhir.create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject,
      effectiveDateTime: '2020-01-15',
      performer: [{ reference: `Practitioner/${practitioner.id}` }],
    })
  ).id;
  ids.newObservation = (
    await fhir.create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject,
      effectiveDateTime: '2024-06-01',
    })
  ).id;
  ids.encounter = (
    await fhir.create({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject,
      serviceProvider: { reference: `Organization/${organization.id}` },
    })
  ).id;
  ids.request = (
    await fhir.create({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject,
      medicationReference: { reference: `Medication/${medication.id}` },
    })
  ).id;
  ids.bobObservation = (
    await fhir.create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: `Patient/${bob.id}` },
    })
  ).id;
  // Same patient id in another tenant must never show up.
  await fhirClient(app, newTenantId()).put(`Patient/${alice.id}`, { resourceType: 'Patient', id: alice.id });
});
afterAll(async () => app?.close());

describe('Patient/[id]/$everything', () => {
  it('returns the patient, their compartment and the shared resources they point to', async () => {
    const res = await fhir.get(`Patient/${alice.id}/$everything`);
    expect(res.statusCode).toBe(200);
    const bundle = res.json() as Bundle;
    expect(bundle.type).toBe('searchset');
    expect(bundle.total).toBe(5);
    expect(refs(bundle, 'match')).toEqual(
      [
        `Patient/${alice.id}`,
        `Observation/${ids.oldObservation}`,
        `Observation/${ids.newObservation}`,
        `Encounter/${ids.encounter}`,
        `MedicationRequest/${ids.request}`,
      ].sort(),
    );
    expect(refs(bundle, 'include')).toEqual(
      [`Practitioner/${ids.practitioner}`, `Organization/${ids.organization}`, `Medication/${ids.medication}`].sort(),
    );
    expect(bundle.entry?.[0]?.resource?.resourceType).toBe('Patient');
    expect(bundle.entry?.[0]?.fullUrl).toBe(`http://localhost:8080/fhir/R4/Patient/${alice.id}`);
  });

  it('pages with _count and next links until everything is seen once', async () => {
    const seen: string[] = [];
    let url: string | undefined = `Patient/${alice.id}/$everything?_count=2`;
    let pages = 0;
    while (url) {
      const res = await fhir.get(url);
      expect(res.statusCode).toBe(200);
      const bundle = res.json() as Bundle;
      expect(bundle.entry?.filter((entry) => entry.search?.mode === 'match').length).toBeLessThanOrEqual(2);
      seen.push(...refs(bundle, 'match'));
      const next = bundle.link?.find((link) => link.relation === 'next')?.url;
      url = next ? next.replace(`http://localhost:8080${FHIR}/`, '') : undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('narrows with _type, _since, start and end', async () => {
    const observations = (await fhir.get(`Patient/${alice.id}/$everything?_type=Observation`)).json() as Bundle;
    expect(refs(observations)).toEqual(
      [`Observation/${ids.oldObservation}`, `Observation/${ids.newObservation}`].sort(),
    );

    const recent = (await fhir.get(`Patient/${alice.id}/$everything?_type=Observation&start=2023-01-01`)).json();
    expect(refs(recent)).toEqual([`Observation/${ids.newObservation}`]);
    const early = (await fhir.get(`Patient/${alice.id}/$everything?_type=Observation&end=2021-01-01`)).json();
    expect(refs(early)).toEqual([`Observation/${ids.oldObservation}`]);

    const mark = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = await fhir.create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${alice.id}` },
      code: { text: 'Asthma' },
    });
    const since = (await fhir.get(`Patient/${alice.id}/$everything?_since=${encodeURIComponent(mark)}`)).json();
    expect(refs(since)).toEqual([`Condition/${later.id}`]);
  });

  it('also answers POST with a Parameters body', async () => {
    const res = await fhir.post(`Patient/${alice.id}/$everything`, {
      resourceType: 'Parameters',
      parameter: [{ name: '_type', valueString: 'Encounter' }],
    });
    expect(res.statusCode).toBe(200);
    expect(refs(res.json(), 'match')).toEqual([`Encounter/${ids.encounter}`]);
    expect(refs(res.json(), 'include')).toEqual([]);
  });

  it('answers 404 for an unknown patient and 400 for bad parameters', async () => {
    expect((await fhir.get('Patient/nobody/$everything')).statusCode).toBe(404);
    const badType = await fhir.get(`Patient/${alice.id}/$everything?_type=Spaceship`);
    expect(badType.statusCode).toBe(400);
    expect(badType.json().issue[0].expression).toEqual(['_type']);
    expect((await fhir.get(`Patient/${alice.id}/$everything?_count=0`)).statusCode).toBe(400);
  });

  it('is not offered on other types', async () => {
    const res = await fhir.get(`Observation/${ids.bobObservation}/$everything`);
    expect(res.statusCode).toBe(400);
    const found = (res.json() as { issue: { code: string }[] }).issue[0]?.code;
    expect(found).toBe('not-supported');
  });
});
