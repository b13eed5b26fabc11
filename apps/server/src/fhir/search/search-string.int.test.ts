import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Smith', given: ['John'] }] });
  await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Smithson', given: ['Jane'] }] });
  await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Müller', given: ['Zoë'] }] });
  await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Brown', given: ['Ann'] }],
    address: [{ city: 'São Paulo', line: ['1 Rua Augusta'] }],
  });
});
afterAll(async () => app?.close());

async function names(path: string): Promise<string[]> {
  const res = await fhir.get(path);
  expect(res.statusCode, res.body).toBe(200);
  const bundle = res.json() as Bundle<Patient>;
  expect(bundle.type).toBe('searchset');
  return (bundle.entry ?? [])
    .filter((entry) => entry.search?.mode === 'match')
    .map((entry) => entry.resource!.name![0]!.family!)
    .sort();
}

describe('string parameters', () => {
  it('matches the start of any part of the name, ignoring case and accents', async () => {
    expect(await names('Patient?name=smith')).toEqual(['Smith', 'Smithson']);
    expect(await names('Patient?family=SMITHS')).toEqual(['Smithson']);
    expect(await names('Patient?name=muller')).toEqual(['Müller']);
    expect(await names('Patient?given=zoe')).toEqual(['Müller']);
    expect(await names('Patient?address-city=sao')).toEqual(['Brown']);
    expect(await names('Patient?address=augusta')).toEqual([]);
  });

  it(':exact compares the whole value as written', async () => {
    expect(await names('Patient?family:exact=Smith')).toEqual(['Smith']);
    expect(await names('Patient?family:exact=smith')).toEqual([]);
    expect(await names('Patient?family:exact=Müller')).toEqual(['Müller']);
  });

  it(':contains matches anywhere in the value', async () => {
    expect(await names('Patient?family:contains=ITHS')).toEqual(['Smithson']);
    expect(await names('Patient?address:contains=augusta')).toEqual(['Brown']);
  });

  it('treats commas as OR and repeated parameters as AND', async () => {
    expect(await names('Patient?family=brown,muller')).toEqual(['Brown', 'Müller']);
    expect(await names('Patient?family=smith&given=jane')).toEqual(['Smithson']);
  });

  it(':missing finds resources with and without a value', async () => {
    expect(await names('Patient?address:missing=false')).toEqual(['Brown']);
    expect(await names('Patient?address:missing=true')).toEqual(['Müller', 'Smith', 'Smithson']);
  });

  it('stops matching old values after an update and after a delete', async () => {
    const created = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Oldname' }] });
    expect(await names('Patient?family=oldname')).toEqual(['Oldname']);
    await fhir.put(`Patient/${created.id}`, { ...created, name: [{ family: 'Newname' }] });
    expect(await names('Patient?family=oldname')).toEqual([]);
    expect(await names('Patient?family=newname')).toEqual(['Newname']);
    await fhir.delete(`Patient/${created.id}`);
    expect(await names('Patient?family=newname')).toEqual([]);
  });

  it("never matches another tenant's resources", async () => {
    const other = fhirClient(app, newTenantId());
    await other.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Smith' }] });
    expect(await names('Patient?family=smith')).toEqual(['Smith', 'Smithson']);
    const theirs = (await other.get('Patient?family=smith')).json() as Bundle;
    expect(theirs.entry).toHaveLength(1);
    expect(theirs.total).toBe(1);
  });

  it('matches wildcard characters literally', async () => {
    expect(await names('Patient?family=%25')).toEqual([]);
    expect(await names('Patient?family=sm_th')).toEqual([]);
  });
});
