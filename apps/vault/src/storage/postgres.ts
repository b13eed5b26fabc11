import pg from 'pg';
import { assertValidKey, type PhysicalStorage } from './types.js';

/**
 * PostgreSQL storage, laid out like Vault's own PostgreSQL backend: each entry is stored under its folder
 * path and leaf key, so listing a folder is an indexed lookup.
 */
export class PostgresStorage implements PhysicalStorage {
  readonly type = 'postgresql';
  private readonly pool: pg.Pool;

  constructor(
    connectionString: string,
    private readonly table = 'vault_kv_store',
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error('invalid table name');
    this.pool = new pg.Pool({ connectionString, max: 8 });
    // An idle client losing its connection must not crash the process.
    this.pool.on('error', () => {});
  }

  async open(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         parent_path TEXT COLLATE "C" NOT NULL,
         path TEXT COLLATE "C" NOT NULL,
         key TEXT COLLATE "C" NOT NULL,
         value BYTEA NOT NULL,
         PRIMARY KEY (path, key)
       )`,
    );
    await this.pool.query(`CREATE INDEX IF NOT EXISTS ${this.table}_parent_idx ON ${this.table} (parent_path)`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async get(key: string): Promise<Buffer | null> {
    const [path, leaf] = splitKey(key);
    const result = await this.pool.query<{ value: Buffer }>(
      `SELECT value FROM ${this.table} WHERE path = $1 AND key = $2`,
      [path, leaf],
    );
    return result.rows[0]?.value ?? null;
  }

  async put(key: string, value: Buffer): Promise<void> {
    assertValidKey(key);
    const [path, leaf] = splitKey(key);
    await this.pool.query(
      `INSERT INTO ${this.table} (parent_path, path, key, value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (path, key) DO UPDATE SET value = EXCLUDED.value`,
      [parentOf(path), path, leaf, value],
    );
  }

  async delete(key: string): Promise<void> {
    const [path, leaf] = splitKey(key);
    await this.pool.query(`DELETE FROM ${this.table} WHERE path = $1 AND key = $2`, [path, leaf]);
  }

  async list(prefix: string): Promise<string[]> {
    const path = `/${prefix}`;
    const leaves = await this.pool.query<{ key: string }>(`SELECT key FROM ${this.table} WHERE path = $1`, [path]);
    // Folders: any stored path strictly below this one contributes its next segment.
    const folders = await this.pool.query<{ segment: string }>(
      `SELECT DISTINCT split_part(substr(path, $2::int), '/', 1) AS segment
         FROM ${this.table} WHERE starts_with(path, $1) AND path <> $1`,
      [path, path.length + 1],
    );
    const out = new Set<string>(leaves.rows.map((r) => r.key));
    for (const row of folders.rows) out.add(`${row.segment}/`);
    return [...out].sort();
  }
}

/** "a/b/c" -> ["/a/b/", "c"]; "c" -> ["/", "c"]. */
function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  if (slash === -1) return ['/', key];
  return [`/${key.slice(0, slash + 1)}`, key.slice(slash + 1)];
}

function parentOf(path: string): string {
  if (path === '/') return '';
  const trimmed = path.slice(0, -1);
  return trimmed.slice(0, trimmed.lastIndexOf('/') + 1);
}
