import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { APP_ROLE, assertTenantId, type Database, type Queryable, type QueryResult } from './database';

const extensions = { pg_trgm, fuzzystrmatch, btree_gist };

// Same shapes as node-postgres returns, so stores see one kind of row whichever engine runs.
const parsers = {
  1184: (value: string) => value, // timestamptz
  1700: (value: string) => value, // numeric
  20: (value: string) => Number(value), // int8
};

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

export interface PgliteOptions {
  /** A folder for the data; omitted means in memory. */
  dataDir?: string;
  /** A migrated data folder dumped by `dumpDataDir`, to start from (tests use this to skip initdb). */
  loadDataDir?: Blob | File;
}

/**
 * Embedded PostgreSQL in this process. One connection: statements queue behind each other, and each
 * tenant-scoped unit of work runs in its own transaction so its settings cannot leak into another's.
 */
export interface PgliteDatabase extends Database {
  /** The whole data folder as a tarball, e.g. a migrated template that tests start from. */
  dumpDataDir(): Promise<Blob>;
}

export async function createPgliteDatabase(options: PgliteOptions): Promise<PgliteDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions,
    parsers,
  });

  async function scopedTransaction<T>(tenantId: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
    assertTenantId(tenantId);
    return db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)`, [
        APP_ROLE,
        tenantId,
      ]);
      return work(wrap(tx));
    });
  }

  return {
    engine: 'pglite',
    withTenant: scopedTransaction,
    transaction: scopedTransaction,
    async asOwner(work) {
      return work(wrap(db));
    },
    async ping() {
      await db.query('SELECT 1');
    },
    async close() {
      await db.close();
    },
    async dumpDataDir() {
      return (await db.dumpDataDir('none')) as Blob;
    },
  };
}
