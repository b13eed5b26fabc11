import type { Bundle, OperationOutcome, Patient, Practitioner } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Handled' }],
    meta: { tag: [{ system: 'urn:tags', code: 'vip' }], profile: ['http://example.org/StructureDefinition/p'] },
  });
  await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Other' }] });
  await fhir.create<Practitioner>({
    resourceType: 'Practitioner',
    name: [{ family: 'Handled' }],
    meta: { tag: [{ system: 'urn:tags', code: 'vip' }], security: [{ system: 'urn:sec', code: 'R' }] },
  });
});
afterAll(async () => app?.close());

const strict = { prefer: 'handling=strict' };

describe('unknown and malformed parameters', () => {
  it('strict handling answers 400 naming each offending parameter', async () => {
    const res = await fhir.get('Patient?foo=bar&birthdate=notadate&family=handled', strict);
    expect(res.statusCode).toBe(400);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.issue.map((issue) => issue.expression?.[0]).sort()).toEqual(['birthdate', 'foo']);
    expect(outcome.issue[0]!.severity).toBe('error');
  });

  it('lenient handling (the default) ignores them and says so in an outcome entry', async () => {
    const res = await fhir.get('Patient?foo=bar&family:sounds-like=x&family=handled');
    expect(res.statusCode).toBe(200);
    const bundle = res.json() as Bundle;
    const matches = bundle.entry!.filter((entry) => entry.search?.mode === 'match');
    expect(matches).toHaveLength(1);
    const outcome = bundle.entry!.find((entry) => entry.search?.mode === 'outcome')!.resource as OperationOutcome;
    expect(outcome.issue.map((issue) => issue.expression?.[0])).toEqual(['foo', 'family:sounds-like']);
    expect(outcome.issue.every((issue) => issue.severity === 'warning')).toBe(true);
    expect(bundle.link![0]!.url).not.toContain('foo');
  });

  it('rejects bad result parameters and cursors clearly', async () => {
    for (const [query, name] of [
      ['_count=abc', '_count'],
      ['_sort=nonsense', '_sort'],
      ['_cursor=garbage', '_cursor'],
      ['_include=Patient:family', '_include'],
      ['_total=lots', '_total'],
      ['subject.name=x', 'subject.name'],
      ['_has:Observation:nothing:code=x', '_has:Observation:nothing:code'],
      [
        `_sort=birthdate&_cursor=${Buffer.from(JSON.stringify(['not a date', 'Patient', 'x'])).toString('base64url')}`,
        '_cursor',
      ],
      [`_cursor=${Buffer.from(JSON.stringify(['a', 'Patient', 'x'])).toString('base64url')}`, '_cursor'],
      [
        'general-practitioner.organization.partof.partof.partof.name=x',
        'general-practitioner.organization.partof.partof.partof.name',
      ],
    ]) {
      const res = await fhir.get(`Patient?${query}`, strict);
      expect(res.statusCode, query).toBe(400);
      expect((res.json() as OperationOutcome).issue[0]!.expression, query).toEqual([name]);
    }
  });
});

describe('common parameters and system search', () => {
  it('_tag, _profile and _security', async () => {
    const tagged = (await fhir.get('Patient?_tag=urn:tags|vip')).json() as Bundle;
    expect(tagged.entry).toHaveLength(1);
    const profiled = (await fhir.get('Patient?_profile=http://example.org/StructureDefinition/p')).json() as Bundle;
    expect(profiled.entry).toHaveLength(1);
    const secured = (await fhir.get('Practitioner?_security=urn:sec|R')).json() as Bundle;
    expect(secured.entry).toHaveLength(1);
  });

  it('searches several types with _type', async () => {
    const res = await fhir.get('?_type=Patient,Practitioner&name=handled');
    expect(res.statusCode, res.body).toBe(200);
    const bundle = res.json() as Bundle;
    expect(bundle.entry?.map((entry) => entry.resource!.resourceType).sort()).toEqual(['Patient', 'Practitioner']);
    expect(bundle.link![0]!.url).toBe('http://localhost:8080/fhir/R4?_type=Patient%2CPractitioner&name=handled');
    const tagged = (await fhir.get('?_tag=urn:tags|vip')).json() as Bundle;
    expect(tagged.entry).toHaveLength(2);
    const unknown = await fhir.get('?_type=Patient,Practitioner&birthdate=2000', strict);
    expect(unknown.statusCode).toBe(400);
  });

  it('POST _search takes the parameters from the form body', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient/_search',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/fhir+json' },
      payload: 'family=handled',
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as Bundle).entry).toHaveLength(1);
  });
});

describe('CapabilityStatement', () => {
  it('lists the search parameters that work for each type', async () => {
    const statement = (await fhir.get('metadata')).json() as {
      rest: { resource: { type: string; searchParam?: { name: string; type: string }[] }[] }[];
    };
    const patient = statement.rest[0]!.resource.find((resource) => resource.type === 'Patient')!;
    const names = patient.searchParam!.map((param) => param.name);
    expect(names).toEqual(expect.arrayContaining(['_id', '_lastUpdated', '_tag', 'name', 'birthdate', 'identifier']));
    expect(names).not.toContain('phonetic');
    expect(names).not.toContain('_content');
    const observation = statement.rest[0]!.resource.find((resource) => resource.type === 'Observation')!;
    expect(observation.searchParam).toContainEqual(
      expect.objectContaining({ name: 'code-value-quantity', type: 'composite' }),
    );
  });
});

describe('conditional create (findIds)', () => {
  it('finds the existing match and refuses unknown criteria', async () => {
    const existing = await fhir.post('Patient', { resourceType: 'Patient' }, { 'if-none-exist': 'family=other' });
    expect(existing.statusCode).toBe(200);
    expect((existing.json() as Patient).name![0]!.family).toBe('Other');
    const bad = await fhir.post('Patient', { resourceType: 'Patient' }, { 'if-none-exist': 'nonsense=1' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as OperationOutcome).issue[0]!.expression).toEqual(['nonsense']);
  });
});
