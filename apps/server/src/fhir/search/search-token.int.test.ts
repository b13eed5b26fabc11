import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';
import { MIGRATIONS_DIR } from '../../platform/db';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
const LOINC = 'http://loinc.org';

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  await fhir.create<Patient>({
    resourceType: 'Patient',
    id: 'ignored',
    gender: 'female',
    active: true,
    name: [{ family: 'Token-A' }],
    identifier: [
      {
        system: 'urn:mrn',
        value: 'MRN-1',
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      },
    ],
    telecom: [{ system: 'email', value: 'a@example.org' }],
  });
  await fhir.create<Patient>({
    resourceType: 'Patient',
    gender: 'male',
    active: false,
    name: [{ family: 'Token-B' }],
    identifier: [{ value: 'MRN-1' }, { system: 'urn:ssn', value: '123' }],
    telecom: [{ system: 'phone', value: '555-1234' }],
  });
  await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Token-C' }] });
  const obs = (code: string, display: string, text?: string): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: LOINC, code, display }], ...(text ? { text } : {}) },
  });
  await fhir.create(obs('8867-4', 'Heart rate'));
  await fhir.create(obs('8480-6', 'Systolic blood pressure', 'Blood pressure systolic'));
  await fhir.create({ resourceType: 'Observation', status: 'final', code: { coding: [{ code: '8867-4' }] } });
});
afterAll(async () => app?.close());

async function search(path: string): Promise<Bundle> {
  const res = await fhir.get(path);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Bundle;
}

async function families(path: string): Promise<string[]> {
  const bundle = await search(path);
  return (bundle.entry ?? []).map((entry) => (entry.resource as Patient).name![0]!.family!).sort();
}

async function codes(path: string): Promise<string[]> {
  const bundle = await search(path);
  return (bundle.entry ?? [])
    .map((entry) => {
      const coding = (entry.resource as Observation).code.coding![0]!;
      return `${coding.system ?? ''}|${coding.code}`;
    })
    .sort();
}

describe('token parameters', () => {
  it('matches code, system|code, |code and system|', async () => {
    expect(await codes('Observation?code=8867-4')).toEqual(['http://loinc.org|8867-4', '|8867-4']);
    expect(await codes(`Observation?code=${LOINC}|8867-4`)).toEqual(['http://loinc.org|8867-4']);
    expect(await codes('Observation?code=|8867-4')).toEqual(['|8867-4']);
    expect(await codes(`Observation?code=${LOINC}|`)).toEqual(['http://loinc.org|8480-6', 'http://loinc.org|8867-4']);
    expect(await codes('Observation?code=0000-0')).toEqual([]);
  });

  it('matches codes, booleans, identifiers and contact points', async () => {
    expect(await families('Patient?gender=female')).toEqual(['Token-A']);
    expect(await families('Patient?active=false')).toEqual(['Token-B']);
    expect(await families('Patient?identifier=MRN-1')).toEqual(['Token-A', 'Token-B']);
    expect(await families('Patient?identifier=urn:mrn|MRN-1')).toEqual(['Token-A']);
    expect(await families('Patient?identifier=urn:ssn|')).toEqual(['Token-B']);
    expect(await families('Patient?email=a@example.org')).toEqual(['Token-A']);
    expect(await families('Patient?telecom=555-1234')).toEqual(['Token-B']);
    expect(await families('Patient?phone=a@example.org')).toEqual([]);
  });

  it(':not excludes matches and keeps resources without a value', async () => {
    expect(await families('Patient?gender:not=female')).toEqual(['Token-B', 'Token-C']);
    expect(await codes('Observation?code:not=8867-4')).toEqual(['http://loinc.org|8480-6']);
  });

  it(':text matches words of the display text, without case or accents', async () => {
    expect(await codes('Observation?code:text=heart')).toEqual(['http://loinc.org|8867-4']);
    expect(await codes('Observation?code:text=BLOOD')).toEqual(['http://loinc.org|8480-6']);
  });

  it(':of-type matches identifiers by their type and value', async () => {
    const typeSystem = 'http://terminology.hl7.org/CodeSystem/v2-0203';
    expect(await families(`Patient?identifier:of-type=${typeSystem}|MR|MRN-1`)).toEqual(['Token-A']);
    expect(await families(`Patient?identifier:of-type=${typeSystem}|DL|MRN-1`)).toEqual([]);
  });

  it(':missing and _id', async () => {
    expect(await families('Patient?gender:missing=true')).toEqual(['Token-C']);
    const all = await search('Patient?family=token');
    const ids = (all.entry ?? []).map((entry) => entry.resource!.id!);
    expect(ids).toHaveLength(3);
    const one = await search(`Patient?_id=${ids[0]}`);
    expect(one.entry?.map((entry) => entry.resource!.id)).toEqual([ids[0]]);
    const two = await search(`Patient?_id=${ids[0]},${ids[1]}`);
    expect(two.entry).toHaveLength(2);
  });

  // Last: the patients it writes would change what the tests above count.
  it('phone matches the digits, however either side punctuated them', async () => {
    const written = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Phone-A' }],
      telecom: [{ system: 'phone', value: '+1 (555) 010-0199' }],
    });
    await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Phone-B' }],
      telecom: [{ system: 'phone', value: '5550100198' }],
    });
    for (const typed of [
      '555-010-0199',
      '5550100199',
      '(555)%20010%200199',
      '%2B15550100199',
      '%2B1%20(555)%20010-0199',
    ]) {
      expect(await families(`Patient?family=phone-&phone=${typed}`), typed).toEqual(['Phone-A']);
    }
    expect(await families('Patient?family=phone-&phone=555-010-0198')).toEqual(['Phone-B']);
    expect(await families('Patient?family=phone-&phone=555-010')).toEqual([]);
    expect(await families('Patient?phone=555-1234')).toEqual(['Token-B']);
    // `telecom` (phones, emails and the rest) still compares the value as written.
    expect(await families('Patient?family=phone-&telecom=5550100198')).toEqual(['Phone-B']);
    expect(await families('Patient?family=phone-&telecom=555-010-0198')).toEqual([]);

    // Numbers indexed before phones had digits: the migration adds them.
    await app.db.asOwner((db) =>
      db.query(`DELETE FROM fhir_sp_token WHERE resource_id = $1 AND code = 'phone' AND value = '5550100199'`, [
        written.id,
      ]),
    );
    expect(await families('Patient?family=phone-&phone=555-010-0199')).toEqual([]);
    const migration = readFileSync(join(MIGRATIONS_DIR, '0019_phone_search_digits.sql'), 'utf8');
    await app.db.asOwner((db) => db.exec(migration));
    expect(await families('Patient?family=phone-&phone=555-010-0199')).toEqual(['Phone-A']);
  });
});
