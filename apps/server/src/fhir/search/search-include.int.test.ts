import type { Bundle, Encounter, Observation, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let org: Organization & { id: string };
let doctor: Practitioner & { id: string };
let patient: Patient & { id: string };
let encounter: Encounter & { id: string };
let obs1: Observation & { id: string };
let obs2: Observation & { id: string };

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  org = await fhir.create<Organization>({ resourceType: 'Organization', name: 'Clinic' });
  doctor = await fhir.create<Practitioner>({ resourceType: 'Practitioner', name: [{ family: 'Grey' }] });
  patient = await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Included' }],
    managingOrganization: { reference: `Organization/${org.id}` },
    generalPractitioner: [{ reference: `Practitioner/${doctor.id}` }],
  });
  encounter = await fhir.create<Encounter>({
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: `Patient/${patient.id}` },
  });
  const obs = (code: string): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: code },
    subject: { reference: `Patient/${patient.id}` },
    encounter: { reference: `Encounter/${encounter.id}` },
  });
  obs1 = await fhir.create(obs('one'));
  obs2 = await fhir.create(obs('two'));
});
afterAll(async () => app?.close());

async function entries(path: string, client = fhir): Promise<{ match: string[]; include: string[] }> {
  const res = await client.get(path);
  expect(res.statusCode, res.body).toBe(200);
  const bundle = res.json() as Bundle;
  const pick = (mode: string) =>
    (bundle.entry ?? [])
      .filter((entry) => entry.search?.mode === mode)
      .map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`)
      .sort();
  for (const entry of bundle.entry ?? []) {
    if (entry.resource)
      expect(entry.fullUrl).toBe(`http://localhost:8080/fhir/R4/${entry.resource.resourceType}/${entry.resource.id}`);
  }
  return { match: pick('match'), include: pick('include') };
}

describe('_include', () => {
  it('adds the resources a reference parameter points to, once each', async () => {
    const result = await entries('Observation?subject=Patient/' + patient.id + '&_include=Observation:subject');
    expect(result.match).toEqual([`Observation/${obs1.id}`, `Observation/${obs2.id}`].sort());
    expect(result.include).toEqual([`Patient/${patient.id}`]);
  });

  it('honours a target type and * for every reference', async () => {
    expect((await entries(`Observation?_id=${obs1.id}&_include=Observation:subject:Group`)).include).toEqual([]);
    expect((await entries(`Observation?_id=${obs1.id}&_include=*`)).include).toEqual(
      [`Encounter/${encounter.id}`, `Patient/${patient.id}`].sort(),
    );
  });

  it(':iterate follows references of included resources', async () => {
    const plain = await entries(
      `Observation?_id=${obs1.id}&_include=Observation:subject&_include=Patient:organization`,
    );
    expect(plain.include).toEqual([`Patient/${patient.id}`]);
    const iterated = await entries(
      `Observation?_id=${obs1.id}&_include=Observation:subject&_include:iterate=Patient:organization&_include:iterate=Patient:general-practitioner`,
    );
    expect(iterated.include).toEqual(
      [`Organization/${org.id}`, `Patient/${patient.id}`, `Practitioner/${doctor.id}`].sort(),
    );
  });
});

describe('_revinclude', () => {
  it('adds resources that refer to the matches', async () => {
    const result = await entries(`Patient?_id=${patient.id}&_revinclude=Observation:subject`);
    expect(result.match).toEqual([`Patient/${patient.id}`]);
    expect(result.include).toEqual([`Observation/${obs1.id}`, `Observation/${obs2.id}`].sort());
  });

  it(':iterate combines reverse and forward includes', async () => {
    const result = await entries(
      `Encounter?_id=${encounter.id}&_revinclude=Observation:encounter&_include:iterate=Observation:subject`,
    );
    expect(result.include).toEqual(
      [`Observation/${obs1.id}`, `Observation/${obs2.id}`, `Patient/${patient.id}`].sort(),
    );
  });

  it('leaves out deleted resources and never crosses tenants', async () => {
    const extra = await fhir.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'deleted' },
      subject: { reference: `Patient/${patient.id}` },
    });
    await fhir.delete(`Observation/${extra.id}`);
    const other = fhirClient(app, newTenantId());
    await other.create<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'theirs' },
      subject: { reference: `Patient/${patient.id}` },
    });
    const result = await entries(`Patient?_id=${patient.id}&_revinclude=Observation:subject`);
    expect(result.include).toEqual([`Observation/${obs1.id}`, `Observation/${obs2.id}`].sort());
    const theirs = await entries(`Observation?code:text=theirs&_include=Observation:subject`, other);
    expect(theirs.match).toHaveLength(1);
    expect(theirs.include).toEqual([]);
  });
});
