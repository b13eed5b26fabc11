import type { Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;
let nurse: SignedIn;
let physician: SignedIn;
let patientId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  const tenantId = newTenantId();
  nurse = await signIn(app, { role: 'nurse', tenantId });
  // Nurses record vital signs; registering patients is someone else's job.
  physician = await signIn(app, { role: 'physician', tenantId });
  patientId = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Novak' }] })).id;
});
afterAll(async () => app?.close());

const record = (patient: string, body: unknown) => nurse.request('POST', `/patients/${patient}/vitals`, body);

describe('recording vital signs', () => {
  it('stores profiled Observations with LOINC codes, category vital-signs and canonical UCUM units', async () => {
    const res = await record(patientId, {
      effective: '2024-03-01T09:00:00Z',
      measurements: [
        { type: 'body-temperature', value: 100.4, unit: '[degF]' },
        { code: '8867-4', value: 88 },
        { type: 'respiratory-rate', value: 18, unit: '/min' },
        { code: '59408-5', value: 97, unit: '%' },
        { type: 'blood-pressure', systolic: 128, diastolic: 84, unit: 'mm[Hg]' },
        { type: 'head-circumference', value: 22, unit: '[in_i]' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const observations = res.json().observations as Observation[];
    expect(observations).toHaveLength(6);
    const [temperature, pulse, , saturation, pressure, head] = observations;
    expect(temperature!.valueQuantity).toEqual({
      value: 38,
      unit: 'Cel',
      system: 'http://unitsofmeasure.org',
      code: 'Cel',
    });
    expect(temperature!.meta?.profile).toEqual(['http://hl7.org/fhir/StructureDefinition/bodytemp']);
    expect(temperature!.category?.[0]?.coding?.[0]?.code).toBe('vital-signs');
    expect(temperature!.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '8310-5' });
    expect(pulse!.valueQuantity?.code).toBe('/min');
    expect(saturation!.code.coding?.map((coding) => coding.code)).toEqual(['59408-5', '2708-6']);
    expect(pressure!.valueQuantity).toBeUndefined();
    expect(pressure!.component?.map((c) => [c.code.coding?.[0]?.code, c.valueQuantity?.value])).toEqual([
      ['8480-6', 128],
      ['8462-4', 84],
    ]);
    expect(head!.valueQuantity).toMatchObject({ value: 55.9, code: 'cm' });
    expect(temperature!.performer?.[0]?.identifier?.value).toBe(nurse.userId);
    // Stored as FHIR and found by the FHIR search API.
    const search = await nurse.fhir.get(`Observation?subject=Patient/${patientId}&category=vital-signs&code=8310-5`);
    expect(search.json().entry.map((entry: any) => entry.resource.id)).toEqual([temperature!.id]);
  });

  it('refuses the whole set when one value is impossible, naming the field', async () => {
    const other = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Empty' }] })).id;
    const res = await record(other, {
      measurements: [
        { type: 'heart-rate', value: 70 },
        { type: 'body-temperature', value: 380, unit: 'Cel' },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'VITALS_IMPLAUSIBLE',
      path: 'measurements.1.value',
      unit: 'Cel',
      min: 10,
      max: 47,
    });
    const stored = await nurse.fhir.get(`Observation?subject=Patient/${other}`);
    expect(stored.json().entry ?? []).toHaveLength(0);
    const unit = await record(other, { measurements: [{ type: 'body-weight', value: 70, unit: 'mm[Hg]' }] });
    expect(unit.json()).toMatchObject({ code: 'VITALS_INVALID_UNIT', path: 'measurements.0.unit' });
    // The same limits hold for vital signs written straight through FHIR.
    const direct = await nurse.fhir.post('Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] },
      subject: { reference: `Patient/${other}` },
      valueQuantity: { value: 380, unit: 'Cel', system: 'http://unitsofmeasure.org', code: 'Cel' },
    });
    expect(direct.statusCode).toBe(422);
    expect(direct.json().issue[0]).toMatchObject({
      code: 'business-rule',
      expression: ['Observation.valueQuantity.value'],
    });
    const bpDirect = await nurse.fhir.post('Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      subject: { reference: `Patient/${other}` },
      component: [
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
          valueQuantity: { value: 1200, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        },
      ],
    });
    expect(bpDirect.json().issue[0].expression).toEqual(['Observation.component[0].valueQuantity.value']);
    const unknown = await record('no-such-patient', { measurements: [{ type: 'heart-rate', value: 70 }] });
    expect(unknown.json()).toMatchObject({ code: 'VITALS_REFERENCE_NOT_FOUND', path: 'patient' });
    const empty = await record(other, { measurements: [] });
    expect(empty.json()).toMatchObject({ code: 'VITALS_INVALID_REQUEST', path: 'measurements' });
  });

  it('computes BMI from the weight and the latest height within a year, derived from both', async () => {
    const patient = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Berg' }] })).id;
    const old = await record(patient, {
      effective: '2022-01-01T08:00:00Z',
      measurements: [{ type: 'body-height', value: 150, unit: 'cm' }],
    });
    const height = await record(patient, {
      effective: '2024-01-10T08:00:00Z',
      measurements: [{ type: 'body-height', value: 70, unit: '[in_i]' }],
    });
    expect(height.json().observations).toHaveLength(1); // no weight yet: no BMI
    const weight = await record(patient, {
      effective: '2024-02-01T08:00:00Z',
      measurements: [{ type: 'body-weight', value: 154, unit: '[lb_av]' }],
    });
    expect(weight.statusCode, weight.body).toBe(201);
    const [weightObservation, bmi] = weight.json().observations as Observation[];
    expect(weightObservation!.valueQuantity).toMatchObject({ value: 69.85, code: 'kg' });
    expect(bmi!.code.coding?.[0]?.code).toBe('39156-5');
    expect(bmi!.valueQuantity).toMatchObject({ value: 22.1, code: 'kg/m2' });
    expect(bmi!.derivedFrom).toEqual([
      { reference: `Observation/${weightObservation!.id}` },
      { reference: `Observation/${height.json().observations[0].id}` },
    ]);
    expect(old.statusCode).toBe(201);
    // Years later the height is too old to use.
    const later = await record(patient, {
      effective: '2026-06-01T08:00:00Z',
      measurements: [{ type: 'body-weight', value: 72 }],
    });
    expect(later.json().observations).toHaveLength(1);
  });
});

describe('trends', () => {
  it('returns a series in canonical units over a time range, whatever unit each value was written in', async () => {
    const patient = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Trend' }] })).id;
    for (const [day, value, unit] of [
      ['2024-05-03', 101.3, '[degF]'],
      ['2024-05-01', 37.2, 'Cel'],
      ['2024-05-02', 38.4, 'Cel'],
      ['2024-06-01', 36.8, 'Cel'],
    ] as const) {
      const res = await record(patient, {
        effective: `${day}T10:00:00Z`,
        measurements: [{ type: 'body-temperature', value, unit }],
      });
      expect(res.statusCode).toBe(201);
    }
    // A value written straight through FHIR in °F is converted in the trend too.
    await nurse.fhir.create({
      resourceType: 'Observation',
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] },
      subject: { reference: `Patient/${patient}` },
      effectiveDateTime: '2024-05-04T10:00:00Z',
      valueQuantity: { value: 98.6, unit: '°F', system: 'http://unitsofmeasure.org', code: '[degF]' },
    });
    const res = await nurse.request(
      'GET',
      `/patients/${patient}/vitals/trends?code=8310-5&from=2024-05-01&to=2024-05-31`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const trend = res.json();
    expect(trend).toMatchObject({ type: 'body-temperature', unit: 'Cel', truncated: false });
    expect(trend.points.map((point: any) => [point.effective.slice(0, 10), point.value])).toEqual([
      ['2024-05-01', 37.2],
      ['2024-05-02', 38.4],
      ['2024-05-03', 38.5],
      ['2024-05-04', 37],
    ]);
    const bp = await nurse.request('GET', `/patients/${patientId}/vitals/trends?code=blood-pressure`);
    expect(bp.json().points[0].components).toEqual({ systolic: 128, diastolic: 84 });
    const bad = await nurse.request('GET', `/patients/${patient}/vitals/trends?code=8310-5&from=last-week`);
    expect(bad.json()).toMatchObject({ code: 'VITALS_INVALID_REQUEST', path: 'from' });
    const unknown = await nurse.request('GET', `/patients/${patient}/vitals/trends?code=1234-5`);
    expect(unknown.json()).toMatchObject({ code: 'VITALS_UNKNOWN_TYPE', path: 'code' });
  });
});
