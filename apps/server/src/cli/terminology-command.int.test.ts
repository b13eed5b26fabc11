import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/process/server-process';
import { onServer, uniqueDatabaseName, withDatabase } from '../../test/test-database';

/**
 * `meridian terminology import` and `list` as an operator runs them: real processes on a fresh data
 * folder (the CLI builds the app in-process when no server runs), reading files in the official formats.
 */
const FIXTURES = join(import.meta.dirname, '..', 'modules', 'terminology', 'test-fixtures');
const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
let dataDir: string;
const env: Record<string, string> = { BOOTSTRAP_ADMIN: 'false' };
let dropDatabase: (() => Promise<void>) | undefined;

interface Listed {
  url: string;
  version: string;
  source: string;
  conceptCount: number;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-terminology-cli-'));
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

describe('meridian terminology', () => {
  it('imports the CMS order file over the shipped subset, and a later boot keeps it', {
    timeout: 240_000,
  }, async () => {
    const imported = await runCli(
      ['terminology', 'import', '--system', 'icd-10-cm', '--file', join(FIXTURES, 'icd10cm-order-2026.txt'), '--json'],
      env,
    );
    expect(imported.stderr).not.toContain('Error');
    expect(imported.code).toBe(0);
    const report = JSON.parse(imported.stdout);
    expect(report).toMatchObject({ system: ICD, version: '2026', concepts: 14, format: 'icd10cm-order', skipped: [] });
    expect(report.replaced).toMatchObject({ source: 'shipped' });

    // Each CLI run boots the app (and its seeding) again: the imported release stays.
    const listed = await runCli(['terminology', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const systems = JSON.parse(listed.stdout) as Listed[];
    expect(systems.find((system) => system.url === ICD)).toMatchObject({
      version: '2026',
      source: 'imported',
      conceptCount: 14,
    });
    expect(systems.find((system) => system.url === 'http://loinc.org')).toMatchObject({ source: 'shipped' });

    const wrongSystem = await runCli(
      ['terminology', 'import', '--system', 'loinc', '--file', join(FIXTURES, 'cvx.txt')],
      env,
    );
    expect(wrongSystem.code).not.toBe(0);
    expect(wrongSystem.stderr).toMatch(/cvx format/);
  });
});
