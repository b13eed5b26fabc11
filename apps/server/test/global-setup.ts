import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPgliteDatabase, createPostgresDatabase, migrate } from '../src/platform/db';
import { onServer, templateName, withDatabase } from './test-database';

export const TEMPLATE_DIR = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.cache', 'meridian-test');

/**
 * Migrates one template database per run, so each test file starts from a copy instead of running
 * every migration again: a dumped PGlite data folder, or a PostgreSQL template database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = templateName(url);
    await onServer(url, async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${template}`);
      await client.query(`CREATE DATABASE ${template}`);
    });
    const db = createPostgresDatabase({ url: withDatabase(url, template), poolSize: 1 });
    await migrate(db);
    await db.close();
    project.provide('postgresTemplate', template);
    return async () => {
      await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${template}`));
    };
  }
  const db = await createPgliteDatabase({});
  await migrate(db);
  const dump = await db.dumpDataDir();
  await db.close();
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  const file = join(TEMPLATE_DIR, `pglite-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return async () => {};
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate?: string;
    postgresTemplate?: string;
  }
}
