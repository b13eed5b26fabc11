import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, FHIR, fhirClient, newTenantId, type TestApp } from '../../../../test/test-app';

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

let app: TestApp;
let exportDir: string;
let fhir: ReturnType<typeof fhirClient>;
let tenant: string;
const mine: Record<string, string[]> = {};
let members: string[];
let groupId: string;

const KICK_OFF = { prefer: 'respond-async', accept: 'application/fhir+json' };

const track = (resource: Resource & { id: string }) => {
  mine[resource.resourceType] ??= [];
  mine[resource.resourceType]!.push(resource.id);
  return resource;
};

beforeAll(async () => {
  exportDir = mkdtempSync(join(tmpdir(), 'meridian-export-'));
  app = await createTestApp({ exportDir });
  tenant = newTenantId();
  fhir = fhirClient(app, tenant);
  const patients: string[] = [];
  for (const family of ['Ames', 'Brook', 'Cole']) {
    const patient = track(await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family }] }));
    patients.push(patient.id);
    for (const code of ['weight', 'height']) {
      track(
        await fhir.create({
          resourceType: 'Observation',
          status: 'final',
          code: { text: code },
          subject: { reference: `Patient/${patient.id}` },
        }),
      );
    }
  }
  track(
    await fhir.create({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patients[0]}` },
    }),
  );
  track(await fhir.create({ resourceType: 'Practitioner', name: [{ family: 'House' }] }));
  members = [patients[0]!, patients[2]!];
  const group = track(
    await fhir.create({
      resourceType: 'Group',
      type: 'person',
      actual: true,
      member: members.map((id) => ({ entity: { reference: `Patient/${id}` } })),
    }),
  );
  groupId = group.id;
  // Another tenant's data, which no export of this tenant may contain.
  const other = fhirClient(app, newTenantId());
  const stranger = await other.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Stranger' }] });
  await other.create({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'weight' },
    subject: { reference: `Patient/${stranger.id}` },
  });
});

afterAll(async () => {
  await app?.close();
  rmSync(exportDir, { recursive: true, force: true });
});

const local = (url: string) => url.replace(`http://localhost:8080${FHIR}/`, '');

async function kickOff(path: string, client = fhir): Promise<string> {
  const res = await client.get(path, KICK_OFF);
  expect(res.statusCode, res.body).toBe(202);
  const location = res.headers['content-location'] as string;
  expect(location).toMatch(/^http:\/\/localhost:8080\/fhir\/R4\/\$export-status\/[0-9a-f-]{36}$/);
  return location;
}

async function poll(statusUrl: string, client = fhir): Promise<LightMyRequestResponse> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await client.get(local(statusUrl));
    if (res.statusCode !== 202) return res;
    expect(res.headers['x-progress']).toBeDefined();
    if (Date.now() > deadline) throw new Error('export did not finish');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function download(manifest: Manifest, client = fhir): Promise<Record<string, Resource[]>> {
  const byType: Record<string, Resource[]> = {};
  for (const file of manifest.output) {
    const res = await client.get(local(file.url), { accept: 'application/fhir+ndjson' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+ndjson');
    const lines = res.body.split('\n').filter(Boolean);
    expect(lines).toHaveLength(file.count);
    byType[file.type] = [...(byType[file.type] ?? []), ...lines.map((line) => JSON.parse(line) as Resource)];
  }
  return byType;
}

const idsOf = (resources: Resource[] | undefined) => (resources ?? []).map((resource) => resource.id).sort();

describe('kick-off', () => {
  it('requires Prefer: respond-async', async () => {
    const res = await fhir.get('$export', { accept: 'application/fhir+json' });
    expect(res.statusCode).toBe(400);
    expect((res.json() as OperationOutcome).issue[0]?.diagnostics).toContain('respond-async');
  });

  it('refuses unknown types, output formats and unsupported parameters', async () => {
    expect((await fhir.get('$export?_type=Spaceship', KICK_OFF)).statusCode).toBe(400);
    expect((await fhir.get('$export?_outputFormat=text/csv', KICK_OFF)).statusCode).toBe(400);
    expect((await fhir.get('$export?_typeFilter=Patient%3Fgender%3Dmale', KICK_OFF)).statusCode).toBe(400);
    expect((await fhir.get('$export?_since=yesterday', KICK_OFF)).statusCode).toBe(400);
    expect((await fhir.get('Observation/$export', KICK_OFF)).statusCode).toBe(400);
    expect((await fhir.get('Group/no-such-group/$export', KICK_OFF)).statusCode).toBe(404);
  });
});

describe('system export', () => {
  it('exports every resource of the tenant, and nothing else, as ndjson files listed in the manifest', async () => {
    const status = await kickOff('$export?_outputFormat=application%2Ffhir%2Bndjson');
    const done = await poll(status);
    expect(done.statusCode).toBe(200);
    const manifest = done.json() as Manifest;
    expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
    expect(manifest.request).toBe('http://localhost:8080/fhir/R4/$export?_outputFormat=application%2Ffhir%2Bndjson');
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.error).toEqual([]);
    expect(manifest.output.map((file) => file.type).sort()).toEqual(Object.keys(mine).sort());
    const files = await download(manifest);
    for (const [type, ids] of Object.entries(mine)) expect(idsOf(files[type])).toEqual([...ids].sort());
  });

  it('honours _type and _since', async () => {
    const typed = await poll(await kickOff('$export?_type=Patient,Practitioner'));
    const files = await download(typed.json());
    expect(Object.keys(files).sort()).toEqual(['Patient', 'Practitioner']);

    const mark = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Late' }] });
    const since = await poll(await kickOff(`$export?_since=${encodeURIComponent(mark)}`));
    const sinceFiles = await download(since.json());
    expect(Object.keys(sinceFiles)).toEqual(['Patient']);
    expect(idsOf(sinceFiles.Patient)).toEqual([fresh.id]);
    await fhir.delete(`Patient/${fresh.id}`);
  });

  it('also kicks off with POST and a Parameters body', async () => {
    const res = await fhir.post(
      '$export',
      { resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Encounter' }] },
      KICK_OFF,
    );
    expect(res.statusCode).toBe(202);
    const files = await download((await poll(res.headers['content-location'] as string)).json());
    expect(idsOf(files.Encounter)).toEqual(mine.Encounter);
  });
});

describe('patient and group export', () => {
  it('Patient/$export holds the patients and their compartments, not shared resources', async () => {
    const files = await download((await poll(await kickOff('Patient/$export'))).json());
    expect(Object.keys(files).sort()).toEqual(['Encounter', 'Group', 'Observation', 'Patient']);
    expect(idsOf(files.Patient)).toEqual([...mine.Patient!].sort());
    expect(files.Observation).toHaveLength(6);
  });

  it('Group/[id]/$export holds only the members and their compartments', async () => {
    const files = await download(
      (await poll(await kickOff(`Group/${groupId}/$export?_type=Patient,Observation`))).json(),
    );
    expect(idsOf(files.Patient)).toEqual([...members].sort());
    expect(files.Observation).toHaveLength(4);
    for (const observation of files.Observation ?? []) {
      const subject = (observation as { subject?: { reference?: string } }).subject?.reference ?? '';
      expect(members).toContain(subject.replace('Patient/', ''));
    }
  });
});

describe('status, cancellation and tenancy', () => {
  it('lets another tenant see neither the job nor its files', async () => {
    const status = await kickOff('$export?_type=Patient');
    const manifest = (await poll(status)).json() as Manifest;
    const stranger = fhirClient(app, newTenantId());
    expect((await stranger.get(local(status))).statusCode).toBe(404);
    expect((await stranger.get(local(manifest.output[0]!.url))).statusCode).toBe(404);
    expect((await stranger.delete(local(status))).statusCode).toBe(404);
    // The stranger's own export holds nothing of ours.
    const theirs = await download((await poll(await kickOff('$export', stranger), stranger)).json(), stranger);
    expect(Object.values(theirs).flat()).toHaveLength(0);
  });

  it('DELETE on the status URL cancels the export and removes its files', async () => {
    const status = await kickOff('$export');
    const done = await poll(status);
    const manifest = done.json() as Manifest;
    const jobId = status.split('/').pop()!;
    expect(existsSync(join(exportDir, tenant, jobId))).toBe(true);
    const cancelled = await fhir.delete(local(status));
    expect(cancelled.statusCode).toBe(202);
    expect(existsSync(join(exportDir, tenant, jobId))).toBe(false);
    expect((await fhir.get(local(status))).statusCode).toBe(404);
    expect((await fhir.get(local(manifest.output[0]!.url))).statusCode).toBe(404);
  });

  it('answers 404 for a status URL that never existed, and refuses odd file names', async () => {
    expect((await fhir.get('$export-status/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await fhir.get('$export-status/not-a-uuid')).statusCode).toBe(404);
    const manifest = (await poll(await kickOff('$export?_type=Patient'))).json() as Manifest;
    const jobId = manifest.output[0]!.url.split('/').at(-2);
    expect((await fhir.get(`$export-file/${jobId}/..%2F..%2Fsecret.ndjson`)).statusCode).toBe(404);
  });
});
