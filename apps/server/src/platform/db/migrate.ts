import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads `NNNN_name.sql` files in order. A duplicate number is a mistake worth stopping for. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort();
  let previous = 0;
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    if (version <= previous) throw new Error(`Migration ${file} repeats version ${version}`);
    previous = version;
    return { version, name: file.slice(5, -4), sql: readFileSync(join(dir, file), 'utf8') };
  });
}

export interface MigrationReport {
  applied: Migration[];
  current: number;
}

// Any fixed number: it keeps two processes that boot at once from migrating together.
const MIGRATION_LOCK = 7_330_001;

/** Applies every migration not yet applied, each in its own transaction, forward only. */
export async function migrate(database: Database, migrations = loadMigrations()): Promise<MigrationReport> {
  return database.asOwner(async (db) => {
    await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await db.query(`CREATE TABLE IF NOT EXISTS schema_migration (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = await db.query<{ version: number }>('SELECT version FROM schema_migration');
      const appliedVersions = new Set(done.rows.map((row) => Number(row.version)));
      const applied: Migration[] = [];
      for (const migration of migrations) {
        if (appliedVersions.has(migration.version)) continue;
        await db.query('BEGIN');
        try {
          await db.exec(migration.sql);
          await db.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await db.query('COMMIT');
        } catch (error) {
          await db.query('ROLLBACK');
          throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`);
        }
        applied.push(migration);
      }
      const current = migrations.length ? migrations[migrations.length - 1]!.version : 0;
      return { applied, current: Math.max(current, ...appliedVersions) };
    } finally {
      await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
