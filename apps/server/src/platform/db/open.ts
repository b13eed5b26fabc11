import { join } from 'node:path';
import type { Config } from '../../config';
import type { Database } from './database';
import { migrate } from './migrate';
import { createPgliteDatabase } from './pglite';
import { createPostgresDatabase } from './postgres';

/** Opens the database the config names — PostgreSQL when DATABASE_URL is set, else PGlite in DATA_DIR. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) {
    return createPostgresDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize });
  }
  return createPgliteDatabase({ dataDir: join(config.dataDir, 'pglite') });
}

/** Opens and migrates: what the server does at boot. */
export async function openMigratedDatabase(config: Config): Promise<Database> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
