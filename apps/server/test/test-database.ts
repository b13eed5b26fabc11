import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The template database name for a TEST_DATABASE_URL, e.g. postgres://.../meridian_test → meridian_test_template. */
export function templateName(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '') || 'meridian_test';
  return `${name}_template`.replace(/[^a-z0-9_]/gi, '_');
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE cannot run in the target). */
export async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function uniqueDatabaseName(url: string): string {
  return `${templateName(url).replace(/_template$/, '')}_${randomBytes(5).toString('hex')}`;
}
