import type { Bundle, Observation, ValueSet } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
const LOINC = 'http://loinc.org';

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  for (const url of [
    'http://acme.org/fhir/ValueSet/a',
    'http://acme.org/fhir/ValueSet/a/b',
    'http://acme.org/fhir',
    'http://other.org/fhir/ValueSet/a',
  ]) {
    await fhir.create<ValueSet>({ resourceType: 'ValueSet', status: 'active', url });
  }
  const bp = (label: string, systolic: number, diastolic: number): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '85354-9' }], text: label },
    component: [
      { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: systolic, code: 'mm[Hg]' } },
      { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: diastolic, code: 'mm[Hg]' } },
    ],
  });
  await fhir.create(bp('high', 160, 100));
  await fhir.create(bp('normal', 118, 76));
  await fhir.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '2339-0' }], text: 'glucose' },
    valueQuantity: { value: 6.3, system: 'http://unitsofmeasure.org', code: 'mmol/L' },
  });
  await fhir.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '21112-8' }], text: 'birth date' },
    valueDateTime: '2021-05-01',
  });
  await fhir.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code: '72166-2' }], text: 'smoking' },
    valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '449868002' }] },
  });
});
afterAll(async () => app?.close());

async function urls(query: string): Promise<string[]> {
  const res = await fhir.get(`ValueSet?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json() as Bundle<ValueSet>).entry ?? []).map((entry) => entry.resource!.url!).sort();
}
async function labels(query: string): Promise<string[]> {
  const res = await fhir.get(`Observation?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json() as Bundle<Observation>).entry ?? []).map((entry) => entry.resource!.code.text!).sort();
}

describe('uri parameters', () => {
  it('match the whole URL, or with :below and :above along its path', async () => {
    expect(await urls('url=http://acme.org/fhir/ValueSet/a')).toEqual(['http://acme.org/fhir/ValueSet/a']);
    expect(await urls('url:below=http://acme.org/fhir/ValueSet')).toEqual([
      'http://acme.org/fhir/ValueSet/a',
      'http://acme.org/fhir/ValueSet/a/b',
    ]);
    expect(await urls('url:above=http://acme.org/fhir/ValueSet/a/b/c')).toEqual([
      'http://acme.org/fhir',
      'http://acme.org/fhir/ValueSet/a',
      'http://acme.org/fhir/ValueSet/a/b',
    ]);
  });
});

describe('composite parameters', () => {
  it('match component pairs taken from the same element', async () => {
    expect(await labels(`component-code-value-quantity=${LOINC}|8480-6$gt140`)).toEqual(['high']);
    expect(await labels('component-code-value-quantity=8462-4$lt80')).toEqual(['normal']);
    // 8480-6 (systolic) with a value only the diastolic has: no element carries both.
    expect(await labels('component-code-value-quantity=8480-6$100')).toEqual([]);
    expect(await labels('component-code-value-quantity=8480-6$gt100,8462-4$gt90')).toEqual(['high', 'normal']);
  });

  it('cover code with a value quantity, concept and date', async () => {
    expect(await labels(`code-value-quantity=${LOINC}|2339-0$6.3|http://unitsofmeasure.org|mmol/L`)).toEqual([
      'glucose',
    ]);
    expect(await labels('code-value-quantity=2339-0$gt7')).toEqual([]);
    expect(await labels('code-value-concept=72166-2$http://snomed.info/sct|449868002')).toEqual(['smoking']);
    expect(await labels('code-value-date=21112-8$2021-05')).toEqual(['birth date']);
    expect(await labels('code-value-date=21112-8$2022')).toEqual([]);
  });
});
