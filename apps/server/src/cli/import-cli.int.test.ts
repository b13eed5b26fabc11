import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServerProcess } from '../../test/process/server-process';
import { onServer, uniqueDatabaseName, withDatabase } from '../../test/test-database';
import type { ImportReport } from './import-runner';

/**
 * `meridian import` as an operator runs it: a real process, once with no server running (it builds the
 * app in-process on DATA_DIR) and once beside a running `meridian start` (it goes through its HTTP API,
 * never opening the data folder itself).
 */
const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'synthea');
let dataDir: string;
const env: Record<string, string> = { BOOTSTRAP_ADMIN: 'false' };
let dropDatabase: (() => Promise<void>) | undefined;

type CliReport = ImportReport & { mode: string };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-import-cli-'));
  env.DATA_DIR = dataDir;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = uniqueDatabaseName(url);
    await onServer(url, (client) => client.query(`CREATE DATABASE ${name}`));
    env.DATABASE_URL = withDatabase(url, name);
    dropDatabase = async () => {
      await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    };
  }
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase?.();
});

describe('meridian import', () => {
  // Four CLI processes and a server boot: slow on a busy machine, so a generous limit.
  it('imports in-process when no server runs, then through the running server', { timeout: 240_000 }, async () => {
    const first = await runCli(['import', FIXTURE, '--json'], env);
    expect(first.stderr).not.toContain('Error');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as CliReport;
    expect(report.mode).toBe('in-process');
    expect(report.imported).toBe(163);
    expect(report.byType).toMatchObject({ Patient: 2, Encounter: 30, Procedure: 44, Practitioner: 7 });

    const bad = join(dataDir, 'Observation.ndjson');
    writeFileSync(
      bad,
      [
        JSON.stringify({
          resourceType: 'Observation',
          id: 'cli-good',
          status: 'final',
          code: { text: 'Heart rate' },
          subject: { reference: 'Patient/63ee2253-bdd5-da55-2ad2-b4984d0ad700' },
        }),
        JSON.stringify({ resourceType: 'Observation', id: 'cli-bad', status: 'final' }),
      ].join('\n'),
    );
    const server = await startServerProcess(env);
    try {
      const again = await runCli(['import', FIXTURE, '--json'], env);
      expect(again.code).toBe(0);
      const second = JSON.parse(again.stdout) as CliReport;
      expect(second.mode).toBe('running-server');
      expect(second.imported).toBe(163);
      expect(second.created).toBe(0);

      const partial = await runCli(['import', bad, '--json'], env);
      // A partial import says so in its exit code.
      expect(partial.code).toBe(1);
      const third = JSON.parse(partial.stdout) as CliReport;
      expect(third.byType).toEqual({ Observation: 1 });
      expect(third.rejected).toHaveLength(1);
      expect(third.rejected[0]).toMatchObject({ file: bad, line: 2, id: 'cli-bad', status: 400 });
      expect(third.rejected[0]!.expression).toContain('Observation.code');

      const text = await runCli(['import', bad], env);
      expect(text.stdout).toContain('Imported 1 resources');
      expect(text.stdout).toContain(`${bad}, line 2, Observation/cli-bad (400)`);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });
});
