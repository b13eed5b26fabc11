import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let patient: Patient & { id: string };

const SUBSETTED = 'SUBSETTED';

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  patient = await fhir.create<Patient>({
    resourceType: 'Patient',
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Ann Summary</div>' },
    name: [{ family: 'Summary', given: ['Ann'] }],
    gender: 'female',
    birthDate: '1970-01-01',
    deceasedBoolean: false,
    maritalStatus: { text: 'Married' },
    communication: [{ language: { text: 'English' } }],
  });
  await fhir.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'weight' },
    subject: { reference: `Patient/${patient.id}` },
    note: [{ text: 'weighed after lunch' }],
    valueQuantity: { value: 70, unit: 'kg' },
  });
});
afterAll(async () => app?.close());

async function first<T>(path: string): Promise<T> {
  const res = await fhir.get(path);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as Bundle).entry![0]!.resource as T;
}

const tags = (resource: { meta?: { tag?: { code?: string }[] } }) => resource.meta?.tag?.map((tag) => tag.code) ?? [];

describe('_summary', () => {
  it('true keeps only the elements marked as summary in the StructureDefinition', async () => {
    const summary = await first<Patient>('Patient?family=summary&_summary=true');
    expect(summary.name).toEqual(patient.name);
    expect(summary.gender).toBe('female');
    expect(summary.deceasedBoolean).toBe(false);
    expect(summary.maritalStatus).toBeUndefined();
    expect(summary.communication).toBeUndefined();
    expect(summary.text).toBeUndefined();
    expect(tags(summary)).toContain(SUBSETTED);
  });

  it('text keeps the narrative, id, meta and mandatory elements; data drops the narrative', async () => {
    const text = await first<Observation>('Observation?code:text=weight&_summary=text');
    expect(Object.keys(text).sort()).toEqual(['code', 'id', 'meta', 'resourceType', 'status']);
    const data = await first<Patient>('Patient?family=summary&_summary=data');
    expect(data.text).toBeUndefined();
    expect(data.communication).toEqual(patient.communication);
    const full = await first<Patient>('Patient?family=summary&_summary=false');
    expect(full.text).toEqual(patient.text);
    expect(tags(full)).not.toContain(SUBSETTED);
  });
});

describe('_elements', () => {
  it('keeps the elements asked for plus id, meta and mandatory elements', async () => {
    const chosen = await first<Patient>('Patient?family=summary&_elements=birthDate,gender');
    expect(Object.keys(chosen).sort()).toEqual(['birthDate', 'gender', 'id', 'meta', 'resourceType']);
    const obs = await first<Observation>('Observation?code:text=weight&_elements=value');
    expect(obs.valueQuantity?.value).toBe(70);
    expect(obs.status).toBe('final');
    expect(obs.note).toBeUndefined();
  });
});

describe('_summary and _elements on read', () => {
  it('shape an instance read the same way', async () => {
    const summary = (await fhir.get(`Patient/${patient.id}?_summary=true`)).json() as Patient;
    expect(summary.communication).toBeUndefined();
    expect(summary.name).toEqual(patient.name);
    const elements = (await fhir.get(`Patient/${patient.id}?_elements=gender`)).json() as Patient;
    expect(Object.keys(elements).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
    const plain = (await fhir.get(`Patient/${patient.id}`)).json() as Patient;
    expect(plain).toEqual(patient);
    const bad = await fhir.get(`Patient/${patient.id}?_summary=maybe`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issue[0].expression).toEqual(['_summary']);
  });
});
