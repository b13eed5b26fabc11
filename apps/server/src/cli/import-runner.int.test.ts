import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Encounter, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../test/test-app';
import { forTenant } from './import-auth';
import { type ImportReport, runImport } from './import-runner';
import type { ServerConnection } from './server-connection';

const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'synthea');
const EXPECTED = {
  AllergyIntolerance: 8,
  Condition: 24,
  Encounter: 30,
  Immunization: 28,
  Location: 7,
  MedicationRequest: 6,
  Organization: 7,
  Patient: 2,
  Practitioner: 7,
  Procedure: 44,
};

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;
let work: string;

/** The same HTTP surface the CLI uses in-process: app.inject with the local admin token. */
function connectionTo(target: TestApp): ServerConnection {
  return {
    mode: 'in-process',
    async request(method, path, body, headers = {}) {
      const res = await target.app.inject({
        method: method as 'POST',
        url: path,
        headers: { authorization: `Bearer ${target.localAdminToken}`, ...headers },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      return {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
        body: res.body,
        json: () => JSON.parse(res.body),
      };
    },
    async close() {},
  };
}

async function importPath(path: string, batchSize = 50): Promise<ImportReport> {
  return runImport(forTenant(connectionTo(app), app.tenantId), path, { batchSize });
}

async function countStored(type?: string): Promise<number> {
  const result = await app.db.withTenant(app.tenantId, (db) =>
    type
      ? db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource_history WHERE resource_type = $1', [type])
      : db.query<{ n: number }>('SELECT count(*)::int AS n FROM fhir_resource_history'),
  );
  return Number(result.rows[0]!.n);
}

function folder(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
  work = mkdtempSync(join(tmpdir(), 'meridian-import-'));
});
afterAll(async () => {
  await app?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('importing Synthea NDJSON', () => {
  it('stores every resource, counts them by type, and resolves Synthea conditional references', async () => {
    const report = await importPath(FIXTURE);
    expect(report.rejected).toEqual([]);
    expect(report.byType).toEqual(EXPECTED);
    expect(report.imported).toBe(163);
    expect(report.created).toBe(163);
    expect(report.files).toBe(10);

    const encounter = (await fhir.get('Encounter/068032dd-088c-4108-4da9-25b25847f4e3')).json() as Encounter;
    const line = readFileSync(join(FIXTURE, 'Encounter.000.ndjson'), 'utf8')
      .split('\n')
      .find((text) => text.includes('"068032dd-088c-4108-4da9-25b25847f4e3"'));
    // `Practitioner?identifier=...|npi` in the file became the Practitioner the import stored.
    expect(line).toContain('Practitioner?identifier=');
    expect(encounter.participant?.[0]?.individual?.reference).toMatch(/^Practitioner\/[0-9a-f-]{36}$/);
    const practitioner = await fhir.get(encounter.participant![0]!.individual!.reference!);
    expect(practitioner.statusCode).toBe(200);
    const patients = (await fhir.get('Patient?_count=10')).json() as Bundle;
    expect(patients.entry?.map((entry) => entry.resource?.id).sort()).toEqual([
      '63ee2253-bdd5-da55-2ad2-b4984d0ad700',
      'cbc86e51-9eca-3855-76ec-c058f72c5761',
    ]);
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await countStored();
    const report = await importPath(FIXTURE, 17);
    expect(report.rejected).toEqual([]);
    expect(report.byType).toEqual(EXPECTED);
    expect(report.created).toBe(0);
    expect(await countStored()).toBe(before);
  });
});

describe('rejections', () => {
  it('reports an invalid line with its line number and reason, and imports the other lines', async () => {
    const good = (id: string) => JSON.stringify({ resourceType: 'Patient', id, gender: 'female' });
    const dir = folder('bad-line', {
      'Patient.ndjson': [
        good('line-one'),
        JSON.stringify({ resourceType: 'Patient', id: 'line-two', birthDate: 'last tuesday' }),
        good('line-three'),
        '{ not json',
        '',
        good('line-six'),
      ].join('\n'),
    });
    const report = await importPath(dir);
    expect(report.byType).toEqual({ Patient: 3 });
    expect(report.rejected).toHaveLength(2);
    const [invalid, notJson] = report.rejected;
    expect(invalid).toMatchObject({ line: 2, resourceType: 'Patient', id: 'line-two', status: 400 });
    expect(invalid!.diagnostics).toMatch(/birthDate|date/i);
    expect(invalid!.expression).toContain('Patient.birthDate');
    expect(notJson).toMatchObject({ line: 4, status: 0 });
    expect(notJson!.diagnostics).toContain('Not valid JSON');
    for (const id of ['line-one', 'line-three', 'line-six'])
      expect((await fhir.get(`Patient/${id}`)).statusCode).toBe(200);
    expect((await fhir.get('Patient/line-two')).statusCode).toBe(404);
  });

  it('imports nothing from a transaction Bundle with one bad entry, and names that entry', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:11111111-2222-4333-8444-555555555555',
          resource: { resourceType: 'Patient', id: 'tx-patient', name: [{ family: 'Atomic' }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'not-a-status',
            class: { code: 'AMB' },
            subject: { reference: 'urn:uuid:11111111-2222-4333-8444-555555555555' },
          } as unknown as Encounter,
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    };
    const dir = folder('bad-bundle', {
      'patient-bundle.json': JSON.stringify(bundle),
      'single.json': JSON.stringify({ resourceType: 'Patient', id: 'single-file' }),
    });
    const before = await countStored();
    const report = await importPath(dir);
    expect(report.byType).toEqual({ Patient: 1 });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]).toMatchObject({
      file: join(dir, 'patient-bundle.json'),
      entry: 1,
      resourceType: 'Encounter',
      status: 400,
      bundleEntries: 2,
    });
    expect(report.rejected[0]!.expression?.some((path) => path.startsWith('Bundle.entry[1].resource'))).toBe(true);
    expect(report.notImportedWithBundle).toBe(2);
    expect((await fhir.get('Patient/tx-patient')).statusCode).toBe(404);
    expect(await countStored()).toBe(before + 1);
  });
});

describe('Bundles from files', () => {
  it('imports a Synthea-style transaction (POST with ids, urn:uuid, ifNoneExist) once, however often it is run', async () => {
    const patientUrn = 'urn:uuid:5e7a0c1d-2b3c-4d5e-8f60-718293a4b5c6';
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:a1b2c3d4-0000-4000-8000-00000000c0de',
          resource: {
            resourceType: 'Organization',
            identifier: [{ system: 'https://github.com/synthetichealth/synthea', value: 'org-synthea-style' }],
            name: 'General Hospital',
          },
          request: {
            method: 'POST',
            url: 'Organization',
            ifNoneExist: 'identifier=https://github.com/synthetichealth/synthea|org-synthea-style',
          },
        },
        {
          fullUrl: patientUrn,
          resource: { resourceType: 'Patient', id: '5e7a0c1d-2b3c-4d5e-8f60-718293a4b5c6', gender: 'male' },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: 'urn:uuid:6f8b1d2e-3c4d-4e5f-9a61-8293a4b5c6d7',
          resource: {
            resourceType: 'Encounter',
            id: '6f8b1d2e-3c4d-4e5f-9a61-8293a4b5c6d7',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: patientUrn },
            serviceProvider: {
              reference: 'Organization?identifier=https://github.com/synthetichealth/synthea|org-synthea-style',
            },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    };
    const dir = folder('synthea-style', { 'patient.json': JSON.stringify(bundle) });
    // The Organization is created by the first entry, but conditional references resolve against what was
    // stored before the Bundle: Synthea loads its hospitals in a Bundle of their own first, and so does this.
    const hospitals = folder('synthea-style-hospitals', {
      'hospitalInformation1.json': JSON.stringify({ ...bundle, entry: [bundle.entry![0]] }),
    });
    expect((await importPath(hospitals)).byType).toEqual({ Organization: 1 });
    const first = await importPath(dir);
    expect(first.rejected).toEqual([]);
    expect(first.byType).toEqual({ Organization: 1, Patient: 1, Encounter: 1 });
    const before = await countStored();
    const second = await importPath(dir);
    expect(second.rejected).toEqual([]);
    expect(second.created).toBe(0);
    expect(await countStored()).toBe(before);
    const encounter = (await fhir.get('Encounter/6f8b1d2e-3c4d-4e5f-9a61-8293a4b5c6d7')).json() as Encounter;
    expect(encounter.subject?.reference).toBe('Patient/5e7a0c1d-2b3c-4d5e-8f60-718293a4b5c6');
    expect(encounter.serviceProvider?.reference).toMatch(/^Organization\/[0-9a-f-]{36}$/);
    const organizations = (await fhir.get('Organization?identifier=org-synthea-style')).json() as Bundle;
    expect(organizations.entry).toHaveLength(1);
  });

  it('imports a collection with urn:uuid references as one transaction, references rewritten', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:c0ffee00-0000-4000-8000-000000000001',
          resource: {
            resourceType: 'Encounter',
            id: 'collection-encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: 'urn:uuid:c0ffee00-0000-4000-8000-000000000002' },
          },
        },
        {
          fullUrl: 'urn:uuid:c0ffee00-0000-4000-8000-000000000002',
          resource: { resourceType: 'Patient', id: 'collection-patient' },
        },
        {
          fullUrl: 'urn:uuid:c0ffee00-0000-4000-8000-000000000003',
          resource: { resourceType: 'Patient', name: [{ family: 'No id' }] },
        },
      ],
    };
    const dir = folder('collection', { 'record.json': JSON.stringify(bundle) });
    const first = await importPath(dir);
    expect(first.rejected).toEqual([]);
    expect(first.byType).toEqual({ Encounter: 1, Patient: 2 });
    const encounter = (await fhir.get('Encounter/collection-encounter')).json() as Encounter;
    expect(encounter.subject?.reference).toBe('Patient/collection-patient');
    expect(((await fhir.get('Patient/collection-patient')).json() as Patient).id).toBe('collection-patient');
  });
});
