import type { Bundle, Meta, Parameters, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
});
afterAll(async () => app?.close());

const lost = { system: 'http://example.org/tags', code: 'record-lost', display: 'Paper record lost' };
const vip = { system: 'http://example.org/tags', code: 'vip' };
const restricted = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
const profile = 'http://example.org/StructureDefinition/my-patient';

const metaOf = (parameters: Parameters): Meta =>
  parameters.parameter?.find((p) => p.name === 'return')?.valueMeta ?? {};
const withMeta = (meta: Meta): Parameters => ({
  resourceType: 'Parameters',
  parameter: [{ name: 'meta', valueMeta: meta }],
});

describe('$meta-add and $meta-delete', () => {
  it('adds tags, security labels and profiles without a new version, as sets', async () => {
    const patient = await fhir.create<Patient>({ resourceType: 'Patient', meta: { tag: [vip] }, gender: 'male' });
    const res = await fhir.post(
      `Patient/${patient.id}/$meta-add`,
      withMeta({
        tag: [lost, { ...vip, display: 'ignored: same system and code' }],
        security: [restricted],
        profile: [profile],
      }),
    );
    expect(res.statusCode).toBe(200);
    const meta = metaOf(res.json());
    expect(meta.tag).toEqual([vip, lost]);
    expect(meta.security).toEqual([restricted]);
    expect(meta.profile).toEqual([profile]);

    const read = (await fhir.get(`Patient/${patient.id}`)).json() as Patient;
    expect(read.meta?.versionId).toBe('1');
    expect(read.meta?.lastUpdated).toBe(patient.meta?.lastUpdated);
    expect(read.meta?.tag).toEqual([vip, lost]);
    expect(read.gender).toBe('male');

    // The history shows the one version, with the new meta.
    const history = (await fhir.get(`Patient/${patient.id}/_history`)).json() as Bundle<Patient>;
    expect(history.entry).toHaveLength(1);
    expect(history.entry?.[0]?.resource?.meta?.tag).toEqual([vip, lost]);
    const version = (await fhir.get(`Patient/${patient.id}/_history/1`)).json() as Patient;
    expect(version.meta?.security).toEqual([restricted]);
  });

  it('removes by system and code, leaving the rest and the version alone', async () => {
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      meta: { tag: [vip, lost], security: [restricted], profile: [profile] },
    });
    const res = await fhir.post(
      `Patient/${patient.id}/$meta-delete`,
      withMeta({ tag: [{ system: vip.system, code: vip.code, display: 'whatever' }], profile: [profile] }),
    );
    expect(res.statusCode).toBe(200);
    const meta = metaOf(res.json());
    expect(meta.tag).toEqual([lost]);
    expect(meta.security).toEqual([restricted]);
    expect(meta.profile).toBeUndefined();
    const read = (await fhir.get(`Patient/${patient.id}`)).json() as Patient;
    expect(read.meta?.versionId).toBe('1');
    expect(read.meta?.tag).toEqual([lost]);
  });

  it('keeps the search index in step with the new tags', async () => {
    const patient = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Tagged' }] });
    await fhir.post(
      `Patient/${patient.id}/$meta-add`,
      withMeta({ tag: [{ system: 'http://example.org/t', code: 'fresh' }] }),
    );
    const search = await fhir.get('Patient?_tag=http://example.org/t|fresh');
    expect(search.statusCode).toBe(200);
    expect((search.json() as Bundle).entry?.map((entry) => entry.resource?.id)).toEqual([patient.id]);
  });

  it('refuses a body without meta, an invalid label, and unknown or deleted resources', async () => {
    const patient = await fhir.create<Patient>({ resourceType: 'Patient' });
    const noMeta = await fhir.post(`Patient/${patient.id}/$meta-add`, { resourceType: 'Parameters', parameter: [] });
    expect(noMeta.statusCode).toBe(400);
    const notCodings = await fhir.post(`Patient/${patient.id}/$meta-add`, withMeta({ tag: 'x' } as unknown as Meta));
    expect(notCodings.statusCode).toBe(400);
    expect(notCodings.json().issue[0].expression).toEqual(['Parameters.parameter.meta.tag']);
    const missing = await fhir.post('Patient/nope/$meta-add', withMeta({ tag: [vip] }));
    expect(missing.statusCode).toBe(404);
    await fhir.delete(`Patient/${patient.id}`);
    const gone = await fhir.post(`Patient/${patient.id}/$meta-add`, withMeta({ tag: [vip] }));
    expect(gone.statusCode).toBe(410);
  });
});

describe('$meta', () => {
  it('gives the meta of one resource', async () => {
    const patient = await fhir.create<Patient>({ resourceType: 'Patient', meta: { tag: [vip], profile: [profile] } });
    const res = await fhir.get(`Patient/${patient.id}/$meta`);
    expect(res.statusCode).toBe(200);
    expect(metaOf(res.json())).toEqual({ tag: [vip], profile: [profile] });
  });

  it('gives the union in use for a type and for the whole system, for this tenant only', async () => {
    const tenant = newTenantId();
    const other = fhirClient(app, tenant);
    await other.create({ resourceType: 'Patient', meta: { tag: [vip] } });
    await other.create({ resourceType: 'Patient', meta: { tag: [vip, lost] } });
    await other.create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      meta: { security: [restricted], profile: [profile] },
    });
    await fhir.create({
      resourceType: 'Patient',
      meta: { tag: [{ system: 'http://example.org/tags', code: 'elsewhere' }] },
    });

    const typeLevel = metaOf((await other.get('Patient/$meta')).json());
    expect(typeLevel).toEqual({ tag: [lost, vip] });
    const systemLevel = metaOf((await other.get('$meta')).json());
    expect(systemLevel).toEqual({ tag: [lost, vip], security: [restricted], profile: [profile] });
  });
});
