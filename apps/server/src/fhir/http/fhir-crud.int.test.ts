import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
});
afterAll(async () => app?.close());

const alice: Patient = {
  resourceType: 'Patient',
  name: [{ family: 'Doe', given: ['Alice'] }],
  gender: 'female',
  birthDate: '1980-04-02',
};

describe('create and read', () => {
  it('assigns a UUID, version 1 and lastUpdated, and answers 201 with Location and ETag', async () => {
    const res = await fhir.post('Patient', { ...alice, id: 'client-chosen', meta: { versionId: '99' } });
    expect(res.statusCode).toBe(201);
    const created = res.json() as Patient;
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta?.versionId).toBe('1');
    expect(Date.parse(created.meta!.lastUpdated!)).not.toBeNaN();
    expect(res.headers.etag).toBe('W/"1"');
    expect(res.headers.location).toBe(`http://localhost:8080/fhir/R4/Patient/${created.id}/_history/1`);
    expect(res.headers['content-type']).toContain('application/fhir+json');

    const read = await fhir.get(`Patient/${created.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
    expect(read.headers.etag).toBe('W/"1"');
    expect(read.headers['last-modified']).toBeDefined();
  });

  it('honours Prefer: return=minimal and return=OperationOutcome', async () => {
    const minimal = await fhir.post('Patient', alice, { prefer: 'return=minimal' });
    expect(minimal.statusCode).toBe(201);
    expect(minimal.body).toBe('');
    expect(minimal.headers.location).toContain('/Patient/');
    const outcome = await fhir.post('Patient', alice, { prefer: 'return=OperationOutcome' });
    expect(outcome.statusCode).toBe(201);
    expect((outcome.json() as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('answers 404 with an OperationOutcome for an unknown id and an unknown type', async () => {
    const missing = await fhir.get('Patient/does-not-exist');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().resourceType).toBe('OperationOutcome');
    expect(missing.json().extension[0].valueString).toBe(missing.headers['x-request-id']);
    const unknownType = await fhir.get('Spaceship/1');
    expect(unknownType.statusCode).toBe(404);
    expect(unknownType.json().issue[0].code).toBe('not-supported');
  });
});

describe('validation', () => {
  it('refuses an invalid resource with 400 and the offending path, storing nothing', async () => {
    const before = await fhir.get('_history?_count=1000');
    const res = await fhir.post('Patient', {
      resourceType: 'Patient',
      birthDate: '1980-13-45',
      name: [{ given: 'x' }],
      bogus: 1,
    });
    expect(res.statusCode).toBe(400);
    const outcome = res.json() as OperationOutcome;
    const paths = outcome.issue.flatMap((issue) => issue.expression ?? []);
    expect(paths).toEqual(expect.arrayContaining(['Patient.birthDate', 'Patient.name.given', 'Patient.bogus']));
    const after = await fhir.get('_history?_count=1000');
    expect((after.json() as Bundle).entry?.length).toBe((before.json() as Bundle).entry?.length);
  });

  it('refuses a reference to the wrong kind of resource', async () => {
    const res = await fhir.post('Patient', { ...alice, generalPractitioner: [{ reference: 'Observation/1' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().issue[0].expression).toEqual(['Patient.generalPractitioner[0]']);
  });

  it('refuses malformed JSON, a mismatched type and an unsupported content type', async () => {
    const bad = await app.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: { 'content-type': 'application/fhir+json' },
      payload: '{"resourceType": "Patient",',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().resourceType).toBe('OperationOutcome');
    const mismatch = await fhir.post('Patient', { resourceType: 'Observation', status: 'final', code: { text: 'x' } });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().issue[0].expression).toEqual(['resourceType']);
    const xml = await app.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: { 'content-type': 'application/fhir+xml' },
      payload: '<Patient/>',
    });
    expect(xml.statusCode).toBe(415);
  });

  it('answers 406 to a client that only accepts XML', async () => {
    const res = await app.app.inject({
      method: 'GET',
      url: '/fhir/R4/metadata',
      headers: { accept: 'application/fhir+xml' },
    });
    expect(res.statusCode).toBe(406);
  });
});

describe('update, patch, delete and history', () => {
  it('keeps every version and serves each by vread', async () => {
    const created = await fhir.create(alice);
    const updated = await fhir.put(`Patient/${created.id}`, { ...created, gender: 'other' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().meta.versionId).toBe('2');
    const patched = await fhir.patch(`Patient/${created.id}`, [
      { op: 'replace', path: '/birthDate', value: '1981-01-01' },
    ]);
    expect(patched.statusCode).toBe(200);
    expect(patched.json().meta.versionId).toBe('3');
    expect(patched.json().birthDate).toBe('1981-01-01');

    const v1 = await fhir.get(`Patient/${created.id}/_history/1`);
    expect(v1.statusCode).toBe(200);
    expect(v1.json().gender).toBe('female');
    const v2 = await fhir.get(`Patient/${created.id}/_history/2`);
    expect(v2.json().gender).toBe('other');
    expect((await fhir.get(`Patient/${created.id}/_history/9`)).statusCode).toBe(404);

    const deleted = await fhir.delete(`Patient/${created.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await fhir.get(`Patient/${created.id}`)).statusCode).toBe(410);
    expect((await fhir.delete(`Patient/${created.id}`)).statusCode).toBe(204);

    const history = (await fhir.get(`Patient/${created.id}/_history`)).json() as Bundle;
    expect(history.type).toBe('history');
    expect(history.entry?.map((entry) => entry.request?.method)).toEqual(['DELETE', 'PATCH', 'PUT', 'POST']);
    expect(history.entry?.[0]?.resource).toBeUndefined();
    expect(history.entry?.[3]?.resource?.meta?.versionId).toBe('1');
  });

  it('does not make a new version when an update changes nothing', async () => {
    const created = await fhir.create(alice);
    const again = await fhir.put(`Patient/${created.id}`, created);
    expect(again.statusCode).toBe(200);
    expect(again.json().meta.versionId).toBe('1');
  });

  it('creates with the client id on update-as-create, and insists the body id matches the URL', async () => {
    const id = `p-${Date.now()}`;
    const created = await fhir.put(`Patient/${id}`, { ...alice, id });
    expect(created.statusCode).toBe(201);
    expect(created.json().id).toBe(id);
    const mismatch = await fhir.put(`Patient/${id}`, { ...alice, id: 'other' });
    expect(mismatch.statusCode).toBe(400);
    const noId = await fhir.put(`Patient/${id}`, alice);
    expect(noId.statusCode).toBe(400);
  });

  it('enforces If-Match: a stale version gets 412 and changes nothing', async () => {
    const created = await fhir.create(alice);
    const ok = await fhir.put(`Patient/${created.id}`, { ...created, gender: 'male' }, { 'if-match': 'W/"1"' });
    expect(ok.statusCode).toBe(200);
    const stale = await fhir.put(`Patient/${created.id}`, { ...created, gender: 'unknown' }, { 'if-match': 'W/"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().issue[0].code).toBe('conflict');
    const stalePatch = await fhir.patch(`Patient/${created.id}`, [{ op: 'remove', path: '/gender' }], {
      'if-match': 'W/"1"',
    });
    expect(stalePatch.statusCode).toBe(412);
    expect((await fhir.get(`Patient/${created.id}`)).json().gender).toBe('male');
  });

  it('lets exactly one of many concurrent If-Match updates win', async () => {
    const created = await fhir.create(alice);
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fhir.put(`Patient/${created.id}`, { ...created, birthDate: `19${50 + i}-01-01` }, { 'if-match': 'W/"1"' }),
      ),
    );
    const statuses = attempts.map((res) => res.statusCode).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(9);
    expect((await fhir.get(`Patient/${created.id}`)).json().meta.versionId).toBe('2');
  });

  it('gives every concurrent update without If-Match its own version', async () => {
    const created = await fhir.create(alice);
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fhir.put(`Patient/${created.id}`, { ...created, birthDate: `19${60 + i}-01-01` }),
      ),
    );
    expect(attempts.every((res) => res.statusCode === 200)).toBe(true);
    const versions = attempts.map((res) => Number(res.json().meta.versionId)).sort((a, b) => a - b);
    expect(versions).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a bad JSON Patch with 400 and leaves the resource alone', async () => {
    const created = await fhir.create(alice);
    const bad = await fhir.patch(`Patient/${created.id}`, [{ op: 'replace', path: '/nothing/here', value: 1 }]);
    expect(bad.statusCode).toBe(400);
    const invalid = await fhir.patch(`Patient/${created.id}`, [{ op: 'replace', path: '/gender', value: 7 }]);
    expect(invalid.statusCode).toBe(400);
    const changeId = await fhir.patch(`Patient/${created.id}`, [{ op: 'replace', path: '/id', value: 'x' }]);
    expect(changeId.statusCode).toBe(400);
    expect((await fhir.get(`Patient/${created.id}`)).json().meta.versionId).toBe('1');
  });

  it('pages type and system history with _count and _since using next links', async () => {
    const since = new Date().toISOString();
    for (let i = 0; i < 5; i++) await fhir.create({ ...alice, birthDate: `200${i}-01-01` });
    const page1 = (await fhir.get(`Patient/_history?_since=${encodeURIComponent(since)}&_count=2`)).json() as Bundle;
    expect(page1.entry).toHaveLength(2);
    const seen = new Set(page1.entry!.map((entry) => entry.resource!.id));
    let next = page1.link?.find((link) => link.relation === 'next')?.url;
    while (next) {
      const page = (await fhir.get(next.replace('http://localhost:8080/fhir/R4/', ''))).json() as Bundle;
      for (const entry of page.entry ?? []) seen.add(entry.resource!.id);
      next = page.link?.find((link) => link.relation === 'next')?.url;
    }
    expect(seen.size).toBe(5);
    const system = (await fhir.get(`_history?_since=${encodeURIComponent(since)}`)).json() as Bundle;
    expect(system.entry).toHaveLength(5);
    expect((await fhir.get('_history?_since=yesterday')).statusCode).toBe(400);
  });
});

describe('tenancy', () => {
  it('never shows one tenant the resources of another', async () => {
    const other = fhirClient(app, newTenantId());
    const mine = await fhir.create(alice);
    expect((await other.get(`Patient/${mine.id}`)).statusCode).toBe(404);
    expect((await other.get(`Patient/${mine.id}/_history`)).statusCode).toBe(404);
    const theirs = await other.create(alice);
    expect((await other.get(`Patient/${theirs.id}`)).statusCode).toBe(200);
    expect((await fhir.get(`Patient/${theirs.id}`)).statusCode).toBe(404);
    const history = (await other.get('_history')).json() as Bundle;
    expect(history.entry?.map((entry) => entry.resource?.id)).toEqual([theirs.id]);
  });

  it('is fenced by row-level security in the database, not only by WHERE clauses', async () => {
    const mine = await fhir.create(alice);
    const seen = await app.db.withTenant(newTenantId(), (db) =>
      db.query('SELECT id FROM fhir_resource WHERE id = $1', [mine.id]),
    );
    expect(seen.rows).toEqual([]);
    const own = await app.db.withTenant(app.tenantId, (db) =>
      db.query('SELECT id FROM fhir_resource WHERE id = $1', [mine.id]),
    );
    expect(own.rows).toHaveLength(1);
  });
});

describe('capabilities', () => {
  it('publishes a CapabilityStatement listing every resource type', async () => {
    const res = await fhir.get('metadata');
    expect(res.statusCode).toBe(200);
    const statement = res.json();
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.fhirVersion).toBe('4.0.1');
    const types = statement.rest[0].resource.map((resource: { type: string }) => resource.type);
    expect(types).toContain('Patient');
    expect(types).toContain('Observation');
    expect(types.length).toBeGreaterThan(140);
  });
});
