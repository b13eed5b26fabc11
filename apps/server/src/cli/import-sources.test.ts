import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportUnit, jsonUnit, listImportFiles, ndjsonUnits } from './import-sources';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meridian-sources-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('listImportFiles', () => {
  it('loads shared Synthea records first, NDJSON referenced-before-referencing, then other Bundles', () => {
    const root = join(dir, 'order');
    for (const name of [
      'Encounter.000.ndjson',
      'Patient.000.ndjson',
      'Provenance.000.ndjson',
      'Organization.000.ndjson',
      'Zebra.ndjson',
      'Alice_Smith.json',
      'hospitalInformation123.json',
      'nested/practitionerInformation123.json',
      'notes.txt',
      '.hidden.json',
    ]) {
      write(`order/${name}`, '{}');
    }
    expect(listImportFiles(root).map((file) => basename(file))).toEqual([
      'hospitalInformation123.json',
      'practitionerInformation123.json',
      'Organization.000.ndjson',
      'Patient.000.ndjson',
      'Encounter.000.ndjson',
      'Zebra.ndjson',
      'Provenance.000.ndjson',
      'Alice_Smith.json',
    ]);
  });
});

describe('ndjsonUnits', () => {
  it('chunks lines into transactions of update-as-create entries and sets bad lines aside with their numbers', async () => {
    const file = write(
      'chunks.ndjson',
      [
        JSON.stringify({ resourceType: 'Patient', id: 'a' }),
        'not json',
        JSON.stringify({ resourceType: 'Patient', name: [{ family: 'No id' }] }),
        '',
        JSON.stringify({ id: 'no-type' }),
        JSON.stringify({ resourceType: 'Patient', id: 'b' }),
      ].join('\r\n'),
    );
    const units: ImportUnit[] = [];
    for await (const unit of ndjsonUnits(file, 2)) units.push(unit);
    expect(units.map((unit) => unit.sources.map((source) => source.line))).toEqual([[1, 3], [6]]);
    expect(units[0]!.bundle.entry!.map((entry) => entry.request)).toEqual([
      { method: 'PUT', url: 'Patient/a' },
      { method: 'POST', url: 'Patient' },
    ]);
    expect(units.flatMap((unit) => unit.rejected).map((rejection) => rejection.line)).toEqual([2, 5]);
    expect(units.every((unit) => unit.onFailure === 'retry-as-batch')).toBe(true);
  });
});

describe('jsonUnit', () => {
  it('turns creates of resources with ids into update-as-create, keeping conditional creates as they are', () => {
    const file = write(
      'tx.json',
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:1',
            resource: { resourceType: 'Patient', id: 'p1' },
            request: { method: 'POST', url: 'Patient' },
          },
          { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
          {
            resource: { resourceType: 'Organization', id: 'o1' },
            request: { method: 'POST', url: 'Organization', ifNoneExist: 'identifier=x|1' },
          },
        ],
      }),
    );
    const unit = jsonUnit(file);
    expect(unit.bundle.type).toBe('transaction');
    expect(unit.onFailure).toBe('reject');
    expect(unit.bundle.entry!.map((entry) => entry.request?.method)).toEqual(['PUT', 'POST', 'POST']);
    expect(unit.bundle.entry![0]!.request?.url).toBe('Patient/p1');
    expect(unit.bundle.entry![0]!.fullUrl).toBe('urn:uuid:1');
    expect(unit.sources.map((source) => source.entry)).toEqual([0, 1, 2]);
  });

  it('reports a file that is not JSON, and sends a single resource as a batch of one', () => {
    expect(jsonUnit(write('broken.json', '{')).rejected[0]?.diagnostics).toContain('Not valid JSON');
    const single = jsonUnit(write('one.json', JSON.stringify({ resourceType: 'Patient', id: 'solo' })));
    expect(single.bundle.type).toBe('batch');
    expect(single.bundle.entry![0]!.request).toEqual({ method: 'PUT', url: 'Patient/solo' });
  });
});
