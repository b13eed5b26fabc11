import type { Bundle, Observation, Patient, RiskAssessment } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
const UCUM = 'http://unitsofmeasure.org';

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  for (const [family, birthDate] of [
    ['Y1990', '1990'],
    ['M1990-06', '1990-06'],
    ['D1990-06-15', '1990-06-15'],
    ['D1991-01-01', '1991-01-01'],
    ['D1989-12-31', '1989-12-31'],
  ] as const) {
    await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family }], birthDate });
  }
  const obs = (id: string, extra: Partial<Observation>): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: id },
    ...extra,
  });
  await fhir.create(obs('t-10:30', { effectiveDateTime: '2020-03-10T10:30:00Z' }));
  await fhir.create(obs('t-period', { effectivePeriod: { start: '2020-03-01', end: '2020-03-31' } }));
  await fhir.create(obs('t-open', { effectivePeriod: { start: '2020-04-15T00:00:00Z' } }));
  await fhir.create(obs('q-100', { valueQuantity: { value: 100, unit: 'mg', system: UCUM, code: 'mg' } }));
  await fhir.create(obs('q-100.4', { valueQuantity: { value: 100.4, unit: 'mg', system: UCUM, code: 'mg' } }));
  await fhir.create(obs('q-5g', { valueQuantity: { value: 5, unit: 'g', system: UCUM, code: 'g' } }));
  await fhir.create(obs('q-5-plain', { valueQuantity: { value: 5, unit: 'tablets' } }));
  for (const probability of [0.2, 0.5, 0.8]) {
    await fhir.create<RiskAssessment>({
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: 'Patient/x' },
      prediction: [{ probabilityDecimal: probability }],
    });
  }
});
afterAll(async () => app?.close());

async function families(query: string): Promise<string[]> {
  const res = await fhir.get(`Patient?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json() as Bundle<Patient>).entry ?? []).map((entry) => entry.resource!.name![0]!.family!).sort();
}
async function observations(query: string): Promise<string[]> {
  const res = await fhir.get(`Observation?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return ((res.json() as Bundle<Observation>).entry ?? []).map((entry) => entry.resource!.code.text!).sort();
}

describe('date parameters', () => {
  it('eq matches values whose whole range lies inside the searched precision', async () => {
    expect(await families('birthdate=1990')).toEqual(['D1990-06-15', 'M1990-06', 'Y1990']);
    expect(await families('birthdate=1990-06')).toEqual(['D1990-06-15', 'M1990-06']);
    expect(await families('birthdate=eq1990-06-15')).toEqual(['D1990-06-15']);
  });

  it('gt, ge, lt, le, ne, sa and eb', async () => {
    expect(await families('birthdate=gt1990-06-15')).toEqual(['D1991-01-01', 'M1990-06', 'Y1990']);
    expect(await families('birthdate=ge1990-06-15')).toEqual(['D1990-06-15', 'D1991-01-01', 'M1990-06', 'Y1990']);
    expect(await families('birthdate=lt1990-01-01')).toEqual(['D1989-12-31']);
    expect(await families('birthdate=le1990-01-01')).toEqual(['D1989-12-31', 'Y1990']);
    expect(await families('birthdate=ne1990')).toEqual(['D1989-12-31', 'D1991-01-01']);
    expect(await families('birthdate=sa1990')).toEqual(['D1991-01-01']);
    expect(await families('birthdate=eb1990-06')).toEqual(['D1989-12-31']);
    expect(await families('birthdate=ge1990&birthdate=lt1991')).toEqual(['D1990-06-15', 'M1990-06', 'Y1990']);
  });

  it('ap matches values near the searched one', async () => {
    expect(await families('birthdate=ap1990-06-15')).toContain('D1990-06-15');
    expect(await families('birthdate=ap1800-06-15')).toEqual([]);
  });

  it('compares dateTimes and periods, open-ended periods included', async () => {
    expect(await observations('date=2020-03-10')).toEqual(['t-10:30']);
    expect(await observations('date=2020-03')).toEqual(['t-10:30', 't-period']);
    expect(await observations('date=gt2020-03-31')).toEqual(['t-open']);
    expect(await observations('date=gt2030-01-01')).toEqual(['t-open']);
    expect(await observations('date=lt2020-03-05')).toEqual(['t-period']);
    expect(await observations('date=2020-03-10T10:30:00Z')).toEqual(['t-10:30']);
    expect(await observations('date=2020-03-10T12:30:00%2B02:00')).toEqual(['t-10:30']);
    expect(await observations('date=2020-03-10T12:30:00+02:00')).toEqual(['t-10:30']);
  });

  it('_lastUpdated compares the time each resource was written', async () => {
    const res = await fhir.get('Patient?_lastUpdated=gt2000-01-01&_count=100');
    expect((res.json() as Bundle).entry).toHaveLength(5);
    const none = await fhir.get('Patient?_lastUpdated=lt2000-01-01');
    expect((none.json() as Bundle).entry).toBeUndefined();
  });
});

describe('quantity parameters', () => {
  it('eq uses the precision of the searched number', async () => {
    expect(await observations('value-quantity=100')).toEqual(['q-100', 'q-100.4']);
    expect(await observations('value-quantity=100.0')).toEqual(['q-100']);
    expect(await observations(`value-quantity=100|${UCUM}|mg`)).toEqual(['q-100', 'q-100.4']);
    expect(await observations(`value-quantity=5|${UCUM}|g`)).toEqual(['q-5g']);
    expect(await observations('value-quantity=5||tablets')).toEqual(['q-5-plain']);
    expect(await observations('value-quantity=5')).toEqual(['q-5-plain', 'q-5g']);
  });

  it('gt, lt, ge, le, ne and ap', async () => {
    expect(await observations('value-quantity=gt100')).toEqual(['q-100.4']);
    expect(await observations('value-quantity=ge100')).toEqual(['q-100', 'q-100.4']);
    expect(await observations('value-quantity=lt100')).toEqual(['q-5-plain', 'q-5g']);
    expect(await observations('value-quantity=le5')).toEqual(['q-5-plain', 'q-5g']);
    expect(await observations('value-quantity=ne100')).toEqual(['q-5-plain', 'q-5g']);
    expect(await observations('value-quantity=ap95')).toEqual(['q-100', 'q-100.4']);
  });
});

describe('number parameters', () => {
  it('compares decimals with prefixes', async () => {
    const count = async (query: string) =>
      ((await fhir.get(`RiskAssessment?${query}`)).json() as Bundle).entry?.length ?? 0;
    expect(await count('probability=0.5')).toBe(1);
    expect(await count('probability=gt0.3')).toBe(2);
    expect(await count('probability=le0.5')).toBe(2);
    expect(await count('probability=ne0.5')).toBe(2);
    expect(await count('probability=0.2,0.8')).toBe(2);
  });
});
