import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server';

/**
 * A Bulk Data client's round trip over a real port, with nothing but fetch: kick-off, poll the URL the
 * server gave, download the files the manifest lists. Every URL must lead back to this server.
 */
let server: LiveServer;
let exportDir: string;

beforeAll(async () => {
  exportDir = mkdtempSync(join(tmpdir(), 'meridian-bulk-client-'));
  server = await startLiveServer({ exportDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(exportDir, { recursive: true, force: true });
});

describe('bulk export over HTTP', () => {
  it('kicks off, polls and downloads ndjson', async () => {
    const client = new Client({ baseUrl: server.fhirBase });
    const ids: string[] = [];
    for (const family of ['One', 'Two', 'Three']) {
      const patient = (await client.create({
        resourceType: 'Patient',
        body: { resourceType: 'Patient', name: [{ family }] },
      })) as unknown as Patient;
      ids.push(patient.id!);
    }

    const kickOff = await fetch(`${server.fhirBase}/Patient/$export?_type=Patient`, {
      headers: { accept: 'application/fhir+json', prefer: 'respond-async' },
    });
    expect(kickOff.status).toBe(202);
    const statusUrl = kickOff.headers.get('content-location')!;
    expect(statusUrl.startsWith(server.fhirBase)).toBe(true);

    let status: Response;
    const deadline = Date.now() + 30_000;
    for (;;) {
      status = await fetch(statusUrl, { headers: { accept: 'application/json' } });
      if (status.status !== 202) break;
      expect(status.headers.get('x-progress')).toBeTruthy();
      if (Date.now() > deadline) throw new Error('export did not finish');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status.status).toBe(200);
    const manifest = (await status.json()) as { output: { type: string; url: string; count: number }[] };
    expect(manifest.output).toHaveLength(1);
    const file = manifest.output[0]!;
    expect(file).toMatchObject({ type: 'Patient', count: 3 });

    const download = await fetch(file.url, { headers: { accept: 'application/fhir+ndjson' } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/fhir+ndjson');
    const lines = (await download.text()).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as Patient).id).sort()).toEqual(ids.sort());

    const cancelled = await fetch(statusUrl, { method: 'DELETE' });
    expect(cancelled.status).toBe(202);
    expect((await fetch(file.url)).status).toBe(404);
  });
});
