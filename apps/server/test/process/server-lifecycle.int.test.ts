import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-app';
import { onServer, uniqueDatabaseName, withDatabase } from '../test-database';
import { runCli, startServerProcess } from './server-process';

/**
 * The server as an operator runs it: `meridian start` in its own process, the CLI beside it, a restart
 * that keeps the data, and a shutdown on SIGTERM.
 */
let dataDir: string;
const env: Record<string, string> = {};
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-process-'));
  env.DATA_DIR = dataDir;
  // This test calls the FHIR API without signing in; sign-in is tested in modules/identity.
  env.AUTH_REQUIRED = 'false';
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    // A real PostgreSQL database of its own, migrated by the server itself at boot.
    const name = uniqueDatabaseName(url);
    await onServer(url, (client) => client.query(`CREATE DATABASE ${name}`));
    env.DATABASE_URL = withDatabase(url, name);
    dropDatabase = async () => {
      await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    };
  }
  // Keeps the helper import used in both modes (and proves the template exists).
  await (await createTestDatabase()).drop();
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase?.();
});

describe('meridian start', () => {
  it('serves, lets the CLI in through the running server, stops on SIGTERM and keeps data across restarts', async () => {
    const first = await startServerProcess(env);
    let patientId: string;
    try {
      const created = await fetch(`${first.url}/fhir/R4/Patient`, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Restart' }] }),
      });
      expect(created.status).toBe(201);
      patientId = ((await created.json()) as { id: string }).id;
      expect(existsSync(join(dataDir, 'server.json'))).toBe(true);

      const migrate = await runCli(['migrate', '--json'], env);
      expect(migrate.code).toBe(0);
      const status = JSON.parse(migrate.stdout) as { applied: unknown[]; current: number; engine: string };
      expect(status.applied).toEqual([]);
      expect(status.current).toBeGreaterThanOrEqual(1);
      expect(status.engine).toBe(env.DATABASE_URL ? 'postgres' : 'pglite');
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(join(dataDir, 'server.json'))).toBe(false);

    const second = await startServerProcess(env);
    try {
      const read = await fetch(`${second.url}/fhir/R4/Patient/${patientId}`);
      expect(read.status).toBe(200);
      expect(((await read.json()) as { name: { family: string }[] }).name[0]!.family).toBe('Restart');
      // The JSON logs never carry the patient's data.
      expect(second.output()).not.toContain('Restart');
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
    // Two real boots (migrations, shipped terminology) and two shutdowns: minutes on a busy machine.
  }, 240_000);

  it('runs a CLI command in-process when no server is running', async () => {
    const migrate = await runCli(['migrate', '--json'], env);
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.stdout).applied).toEqual([]);
  });

  it('refuses to boot with a bad setting and names it', async () => {
    const result = await runCli(['start'], { ...env, PORT: 'not-a-port' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT="not-a-port"');
  });

  it('prints help for every command', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    for (const command of ['start', 'migrate', 'import']) expect(help.stdout).toContain(command);
    const migrateHelp = await runCli(['migrate', '--help'], env);
    expect(migrateHelp.stdout).toContain('--json');
  });
});
