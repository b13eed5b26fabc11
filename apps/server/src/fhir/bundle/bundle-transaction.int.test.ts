import type { Bundle, BundleEntry, Encounter, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let tenantId: string;

beforeAll(async () => {
  app = await createTestApp();
  tenantId = newTenantId();
  fhir = fhirClient(app, tenantId);
});
afterAll(async () => app?.close());

const PATIENT_URN = 'urn:uuid:7c9bd9a4-8f3e-4d2a-9a55-0c3b9c0a1f01';
const PRACTITIONER_URN = 'urn:uuid:2d1e7f0a-9a51-4f52-8a3e-5b8f6f1c2e02';

function transaction(entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

/** Every version of every resource in the test tenant, straight from the database. */
async function storedVersions(): Promise<number> {
  const result = await app.db.withTenant(tenantId, (db) =>
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource_history'),
  );
  return Number(result.rows[0]!.n);
}

async function post(bundle: unknown, headers?: Record<string, string>) {
  return fhir.post('', bundle, headers);
}

describe('transaction: placeholders and response', () => {
  it('creates every entry, rewrites urn:uuid references everywhere, and answers each entry', async () => {
    const res = await post(
      transaction([
        {
          fullUrl: 'urn:uuid:5b0c2f8e-1d7a-4b8e-9a2f-3c4d5e6f7a03',
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
            subject: { reference: PATIENT_URN },
            participant: [{ individual: { reference: PRACTITIONER_URN } }],
            text: {
              status: 'generated',
              div: `<div xmlns="http://www.w3.org/1999/xhtml">Seen <a href="${PATIENT_URN}">the patient</a></div>`,
            },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
        {
          fullUrl: PATIENT_URN,
          resource: { resourceType: 'Patient', name: [{ family: 'Okafor' }], birthDate: '1990-01-02' },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: PRACTITIONER_URN,
          resource: { resourceType: 'Practitioner', id: 'dr-mensah', name: [{ family: 'Mensah' }] },
          request: { method: 'PUT', url: 'Practitioner/dr-mensah' },
        },
      ]),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json() as Bundle;
    expect(body.type).toBe('transaction-response');
    expect(body.entry).toHaveLength(3);
    const [encounterEntry, patientEntry, practitionerEntry] = body.entry!;
    expect(encounterEntry!.response?.status).toBe('201 Created');
    expect(patientEntry!.response?.status).toBe('201 Created');
    expect(practitionerEntry!.response?.status).toBe('201 Created');
    expect(patientEntry!.response?.location).toMatch(/^Patient\/[0-9a-f-]{36}\/_history\/1$/);
    expect(patientEntry!.response?.etag).toBe('W/"1"');
    expect(Date.parse(patientEntry!.response!.lastModified!)).not.toBeNaN();

    const patientId = (patientEntry!.resource as Patient).id!;
    const stored = (await fhir.get(`Encounter/${(encounterEntry!.resource as Encounter).id}`)).json() as Encounter;
    expect(stored.subject?.reference).toBe(`Patient/${patientId}`);
    expect(stored.participant?.[0]?.individual?.reference).toBe('Practitioner/dr-mensah');
    expect(stored.text?.div).toContain(`href="Patient/${patientId}"`);
    expect(JSON.stringify(stored)).not.toContain('urn:uuid');
  });

  it('honours Prefer: return=minimal and return=OperationOutcome per entry', async () => {
    const minimal = await post(
      transaction([{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }]),
      { prefer: 'return=minimal' },
    );
    const entry = (minimal.json() as Bundle).entry![0]!;
    expect(entry.resource).toBeUndefined();
    expect(entry.response?.location).toMatch(/^Patient\//);
    const outcome = await post(
      transaction([{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }]),
      { prefer: 'return=OperationOutcome' },
    );
    expect((outcome.json() as Bundle).entry![0]!.response?.outcome?.resourceType).toBe('OperationOutcome');
  });

  it('runs DELETE, then POST, then PUT/PATCH, then GET whatever the order in the Bundle', async () => {
    await fhir.put('Patient/order-a', { resourceType: 'Patient', id: 'order-a', gender: 'male' });
    await fhir.put('Patient/order-b', { resourceType: 'Patient', id: 'order-b' });
    const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/birthDate', value: '1971-05-06' }])).toString(
      'base64',
    );
    const res = await post(
      transaction([
        { request: { method: 'GET', url: 'Patient/order-a' } },
        {
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
          request: { method: 'PATCH', url: 'Patient/order-a' },
        },
        { request: { method: 'GET', url: 'Patient/order-b/_history' } },
        { request: { method: 'DELETE', url: 'Patient/order-b' } },
      ]),
    );
    expect(res.statusCode).toBe(200);
    const [read, patched, history, deleted] = (res.json() as Bundle).entry!;
    // The read, listed first, ran last: it sees the patch.
    expect((read!.resource as Patient).birthDate).toBe('1971-05-06');
    expect(patched!.response?.status).toBe('200 OK');
    expect(patched!.response?.etag).toBe('W/"2"');
    expect(deleted!.response?.status).toBe('204 No Content');
    // The history, listed before the delete, already shows it.
    expect((history!.resource as Bundle).entry?.map((e) => e.request?.method)).toEqual(['DELETE', 'PUT']);
  });
});

describe('transaction: all or nothing', () => {
  it('stores nothing when one entry is invalid, and names that entry and element', async () => {
    await fhir.put('Patient/keep-me', { resourceType: 'Patient', id: 'keep-me', gender: 'female' });
    const versionsBefore = await storedVersions();
    const historyBefore = (await fhir.get('_history?_count=1000')).json() as Bundle;
    const res = await post(
      transaction([
        {
          fullUrl: PATIENT_URN,
          resource: { resourceType: 'Patient', name: [{ family: 'Never' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { resourceType: 'Patient', id: 'never-stored' },
          request: { method: 'PUT', url: 'Patient/never-stored' },
        },
        { request: { method: 'DELETE', url: 'Patient/keep-me' } },
        {
          resource: {
            resourceType: 'Patient',
            birthDate: '1980-13-45',
            link: [{ other: { reference: PATIENT_URN }, type: 'seealso' }],
          },
          request: { method: 'POST', url: 'Patient' },
        },
      ]),
    );
    expect(res.statusCode).toBe(400);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.flatMap((found) => found.expression ?? [])).toContain('Bundle.entry[3].resource.birthDate');

    expect(await storedVersions()).toBe(versionsBefore);
    const historyAfter = (await fhir.get('_history?_count=1000')).json() as Bundle;
    expect(historyAfter.entry?.length).toBe(historyBefore.entry?.length);
    expect((await fhir.get('Patient/never-stored')).statusCode).toBe(404);
    const kept = await fhir.get('Patient/keep-me');
    expect(kept.statusCode).toBe(200);
    expect((kept.json() as Patient).meta?.versionId).toBe('1');
  });

  it('fails with 412 on an ifMatch that does not hold, naming the entry', async () => {
    await fhir.put('Patient/versioned', { resourceType: 'Patient', id: 'versioned' });
    const versionsBefore = await storedVersions();
    const res = await post(
      transaction([
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Patient', id: 'versioned', gender: 'other' },
          request: { method: 'PUT', url: 'Patient/versioned', ifMatch: 'W/"7"' },
        },
      ]),
    );
    expect(res.statusCode).toBe(412);
    expect((res.json() as OperationOutcome).issue[0]?.expression).toEqual(['Bundle.entry[1]']);
    expect(await storedVersions()).toBe(versionsBefore);
  });

  it('fails with 404 when deleting a resource that never existed', async () => {
    const res = await post(transaction([{ request: { method: 'DELETE', url: 'Patient/no-such-patient' } }]));
    expect(res.statusCode).toBe(404);
    expect((res.json() as OperationOutcome).issue[0]?.expression).toEqual(['Bundle.entry[0]']);
  });

  it('refuses two entries that change the same resource', async () => {
    const versionsBefore = await storedVersions();
    const res = await post(
      transaction([
        { resource: { resourceType: 'Patient', id: 'twice' }, request: { method: 'PUT', url: 'Patient/twice' } },
        {
          resource: { resourceType: 'Patient', id: 'twice', gender: 'male' },
          request: { method: 'PUT', url: 'Patient/twice' },
        },
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect((res.json() as OperationOutcome).issue[0]?.diagnostics).toContain('Patient/twice');
    expect(await storedVersions()).toBe(versionsBefore);
  });

  it('refuses an entry whose resource does not match its URL, before running anything', async () => {
    const res = await post(
      transaction([
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Practitioner' }, request: { method: 'POST', url: 'Patient' } },
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect((res.json() as OperationOutcome).issue[0]?.expression).toEqual(['Bundle.entry[1].resource.resourceType']);
  });
});

describe('malformed Bundles', () => {
  it.each([
    ['a JSON array', [], undefined],
    ['another resource', { resourceType: 'Patient' }, 'Bundle.resourceType'],
    ['a collection', { resourceType: 'Bundle', type: 'collection', entry: [] }, 'Bundle.type'],
    ['a document', { resourceType: 'Bundle', type: 'document' }, 'Bundle.type'],
    ['entry not an array', { resourceType: 'Bundle', type: 'transaction', entry: {} }, 'Bundle.entry'],
    ['an entry without request', { resourceType: 'Bundle', type: 'batch', entry: [{}] }, 'Bundle.entry[0].request'],
    [
      'an unknown method',
      { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'COPY', url: 'Patient' } }] },
      'Bundle.entry[0].request.method',
    ],
    [
      'a URL of another server',
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ request: { method: 'GET', url: 'https://elsewhere.example/fhir/Patient/1' } }],
      },
      'Bundle.entry[0].request.url',
    ],
  ])('answers 400 for %s', async (_name, body, expression) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    if (expression) expect(outcome.issue[0]?.expression).toEqual([expression]);
  });
});

describe('batch', () => {
  it('runs every entry on its own: failures are reported per entry and never undo the others', async () => {
    await fhir.put('Patient/batch-existing', { resourceType: 'Patient', id: 'batch-existing' });
    const res = await post({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: { resourceType: 'Patient', gender: 'female' }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Patient', birthDate: 'yesterday' }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/batch-existing' } },
        { request: { method: 'GET', url: 'Patient/batch-missing' } },
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Spaceship' } },
        {
          resource: { resourceType: 'Patient', id: 'batch-put', gender: 'male' },
          request: { method: 'PUT', url: 'Patient/batch-put' },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Bundle;
    expect(body.type).toBe('batch-response');
    const statuses = body.entry!.map((entry) => entry.response?.status);
    expect(statuses).toEqual([
      '201 Created',
      '400 Bad Request',
      '200 OK',
      '404 Not Found',
      '400 Bad Request',
      '201 Created',
    ]);
    const invalid = body.entry![1]!.response!.outcome as OperationOutcome;
    expect(invalid.issue.flatMap((found) => found.expression ?? [])).toContain('Bundle.entry[1].resource.birthDate');
    expect((body.entry![4]!.response!.outcome as OperationOutcome).issue[0]?.expression).toEqual([
      'Bundle.entry[4].request.url',
    ]);
    const createdId = (body.entry![0]!.resource as Patient).id;
    expect((await fhir.get(`Patient/${createdId}`)).statusCode).toBe(200);
    expect((await fhir.get('Patient/batch-put')).statusCode).toBe(200);
  });
});

describe('transaction: identities', () => {
  it('refuses two entries with the same fullUrl', async () => {
    const res = await post(
      transaction([
        { fullUrl: PATIENT_URN, resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: PATIENT_URN, resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect((res.json() as OperationOutcome).issue[0]?.expression).toEqual(['Bundle.entry[1].fullUrl']);
  });

  it('keeps the version of an update that changes nothing', async () => {
    const resource = { resourceType: 'Patient', id: 'steady', gender: 'female' } as Patient;
    const bundle = transaction([{ resource, request: { method: 'PUT', url: 'Patient/steady' } }]);
    expect(((await post(bundle)).json() as Bundle).entry![0]!.response?.status).toBe('201 Created');
    const again = (await post(bundle)).json() as Bundle;
    expect(again.entry![0]!.response?.status).toBe('200 OK');
    expect(again.entry![0]!.response?.etag).toBe('W/"1"');
  });

  it('answers simultaneous transactions creating the same id without a crash, storing it once', async () => {
    const bundle = transaction([
      { resource: { resourceType: 'Patient', id: 'raced' }, request: { method: 'PUT', url: 'Patient/raced' } },
    ]);
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(bundle)));
    // Each either wins (201), finds it already stored (200), or is told to retry (409); never a 500.
    for (const res of answers) expect([200, 409]).toContain(res.statusCode);
    const statuses = answers
      .filter((res) => res.statusCode === 200)
      .map((res) => (res.json() as Bundle).entry![0]!.response?.status);
    expect(statuses.filter((status) => status === '201 Created')).toHaveLength(1);
    const versions = await app.db.withTenant(tenantId, (db) =>
      db.query<{ n: number }>(`SELECT count(*)::int AS n FROM fhir_resource_history WHERE id = 'raced'`),
    );
    expect(Number(versions.rows[0]!.n)).toBe(1);
  });
});

describe('reads in a Bundle', () => {
  it('answers 304 to a read whose ifNoneMatch or ifModifiedSince still holds', async () => {
    await fhir.put('Patient/cached', { resourceType: 'Patient', id: 'cached' });
    const res = await post({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { request: { method: 'GET', url: 'Patient/cached', ifNoneMatch: 'W/"1"' } },
        { request: { method: 'GET', url: 'Patient/cached', ifNoneMatch: 'W/"0"' } },
        {
          request: {
            method: 'GET',
            url: 'Patient/cached',
            ifModifiedSince: new Date(Date.now() + 60_000).toUTCString(),
          },
        },
        { request: { method: 'GET', url: 'Patient/cached', ifModifiedSince: 'Thu, 01 Jan 2015 00:00:00 GMT' } },
        { request: { method: 'GET', url: 'Patient/cached/_history/1' } },
      ],
    });
    const entries = (res.json() as Bundle).entry!;
    expect(entries.map((entry) => entry.response?.status)).toEqual([
      '304 Not Modified',
      '200 OK',
      '304 Not Modified',
      '200 OK',
      '200 OK',
    ]);
    expect(entries[0]!.resource).toBeUndefined();
    expect((entries[1]!.resource as Patient).id).toBe('cached');
    expect((entries[4]!.resource as Patient).meta?.versionId).toBe('1');
  });
});
