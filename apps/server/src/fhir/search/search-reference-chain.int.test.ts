import type { Bundle, Observation, Organization, Patient, Practitioner } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let org: Organization & { id: string };
let smith: Patient & { id: string };
let jones: Patient & { id: string };
let doctor: Practitioner & { id: string };

const observation = (subject: string, code: string, extra: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: subject },
  ...extra,
});

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  org = await fhir.create<Organization>({ resourceType: 'Organization', name: 'General Hospital' });
  doctor = await fhir.create<Practitioner>({ resourceType: 'Practitioner', name: [{ family: 'House' }] });
  smith = await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Smith' }],
    managingOrganization: { reference: `Organization/${org.id}` },
    generalPractitioner: [{ reference: `Practitioner/${doctor.id}` }],
  });
  jones = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Jones' }] });
  await fhir.create(
    observation(`Patient/${smith.id}`, '1234-5', { performer: [{ reference: `Practitioner/${doctor.id}` }] }),
  );
  await fhir.create(observation(`Patient/${jones.id}`, '1234-5'));
  await fhir.create(observation(`Patient/${jones.id}`, '9999-9'));
  await fhir.create({
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    questionnaire: 'http://elsewhere.example/Questionnaire/intake',
  });
  await fhir.create({
    ...observation(`Patient/${smith.id}`, '5555-5'),
    subject: { identifier: { system: 'urn:mrn', value: 'X1' } },
  });
});
afterAll(async () => app?.close());

async function ids(path: string, client = fhir): Promise<string[]> {
  const res = await client.get(path);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json() as Bundle).entry ?? [])
    .filter((entry) => entry.search?.mode === 'match')
    .map((entry) => entry.resource!.id!)
    .sort();
}

async function obsCodes(path: string): Promise<string[]> {
  const res = await fhir.get(path);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json() as Bundle<Observation>).entry ?? [])
    .map((entry) => entry.resource!.code.coding![0]!.code!)
    .sort();
}

describe('reference parameters', () => {
  it('matches Type/id, a bare id, an absolute URL to this server and the type modifier', async () => {
    expect(await obsCodes(`Observation?subject=Patient/${smith.id}`)).toEqual(['1234-5']);
    expect(await obsCodes(`Observation?subject=${jones.id}`)).toEqual(['1234-5', '9999-9']);
    expect(await obsCodes(`Observation?subject=http://localhost:8080/fhir/R4/Patient/${jones.id}`)).toEqual([
      '1234-5',
      '9999-9',
    ]);
    expect(await obsCodes(`Observation?subject:Patient=${jones.id}`)).toEqual(['1234-5', '9999-9']);
    expect(await obsCodes(`Observation?subject:Group=${jones.id}`)).toEqual([]);
    expect(await obsCodes(`Observation?patient=${smith.id}`)).toEqual(['1234-5']);
  });

  it('matches external URLs, :identifier and :missing', async () => {
    const external = await fhir.get(
      'QuestionnaireResponse?questionnaire=http://elsewhere.example/Questionnaire/intake',
    );
    expect((external.json() as Bundle).entry).toHaveLength(1);
    const otherUrl = await fhir.get('QuestionnaireResponse?questionnaire=http://elsewhere.example/Questionnaire/other');
    expect((otherUrl.json() as Bundle).entry).toBeUndefined();
    expect(await obsCodes('Observation?subject:identifier=urn:mrn|X1')).toEqual(['5555-5']);
    expect(await obsCodes('Observation?performer:missing=false')).toEqual(['1234-5']);
  });
});

describe('chained parameters', () => {
  it('follows a reference to match a parameter of its target', async () => {
    expect(await obsCodes('Observation?subject:Patient.name=smith')).toEqual(['1234-5']);
    expect(await obsCodes('Observation?patient.name=jones')).toEqual(['1234-5', '9999-9']);
    expect(await obsCodes('Observation?subject:Patient.name=nobody')).toEqual([]);
  });

  it('follows several levels', async () => {
    expect(await obsCodes('Observation?subject:Patient.organization.name=general')).toEqual(['1234-5']);
    expect(await obsCodes('Observation?subject:Patient.general-practitioner.name=house')).toEqual(['1234-5']);
    expect(await obsCodes('Observation?subject:Patient.organization.name=other')).toEqual([]);
  });

  it('stops matching when the target changes or is deleted', async () => {
    const patient = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Chainy' }] });
    await fhir.create(observation(`Patient/${patient.id}`, '7777-7'));
    expect(await obsCodes('Observation?subject:Patient.name=chainy')).toEqual(['7777-7']);
    await fhir.put(`Patient/${patient.id}`, { ...patient, name: [{ family: 'Renamed' }] });
    expect(await obsCodes('Observation?subject:Patient.name=chainy')).toEqual([]);
    expect(await obsCodes('Observation?subject:Patient.name=renamed')).toEqual(['7777-7']);
    await fhir.delete(`Patient/${patient.id}`);
    expect(await obsCodes('Observation?subject:Patient.name=renamed')).toEqual([]);
  });
});

describe('reverse chaining (_has)', () => {
  it('finds resources referred to by resources that match', async () => {
    expect(await ids('Patient?_has:Observation:patient:code=1234-5')).toEqual([jones.id, smith.id].sort());
    expect(await ids('Patient?_has:Observation:patient:code=9999-9')).toEqual([jones.id]);
    expect(await ids('Patient?_has:Observation:subject:code=0000-0')).toEqual([]);
    expect(await ids('Practitioner?_has:Observation:performer:code=1234-5')).toEqual([doctor.id]);
  });

  it('nests _has and combines with other parameters', async () => {
    expect(await ids('Patient?_has:Observation:patient:code=1234-5&name=smith')).toEqual([smith.id]);
    expect(await ids('Organization?_has:Patient:organization:_has:Observation:patient:code=1234-5')).toEqual([org.id]);
  });
});

describe('tenancy', () => {
  it("never matches through another tenant's resources", async () => {
    const tenant = fhirClient(app, newTenantId());
    const theirPatient = await tenant.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Smith' }] });
    await tenant.create(observation(`Patient/${smith.id}`, '4444-4'));
    await tenant.create(observation(`Patient/${theirPatient.id}`, '1234-5'));
    expect(await obsCodes('Observation?subject:Patient.name=smith')).toEqual(['1234-5']);
    expect(await ids('Patient?_has:Observation:patient:code=4444-4')).toEqual([]);
    expect(await ids('Observation?subject:Patient.name=smith', tenant)).toHaveLength(1);
    expect(FHIR).toBe('/fhir/R4');
  });
});
