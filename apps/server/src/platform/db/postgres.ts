import pg from 'pg';
import { APP_ROLE, assertTenantId, type Database, type Queryable, type QueryResult } from './database';

// Dates and numerics come back as strings: the FHIR layer keeps instants and decimals exact.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => value);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

interface TenantClient extends pg.PoolClient {
  meridianTenant?: string;
}

function wrap(client: pg.ClientBase): Queryable {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<QueryResult<Row>> {
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
}

/** PostgreSQL through a node-postgres pool. Each pooled connection remembers which tenant it is scoped to. */
export function createPostgresDatabase(options: PostgresOptions): Database {
  // Idle connections are kept a minute (node-postgres closes them after 10 s): a chart opened after a
  // pause would otherwise pay for new connections, each also set to its tenant on first use.
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, idleTimeoutMillis: 60_000 });
  // An idle connection that dies must not take the process with it.
  pool.on('error', () => {});

  async function scoped(tenantId: string): Promise<TenantClient> {
    assertTenantId(tenantId);
    const client = (await pool.connect()) as TenantClient;
    if (client.meridianTenant !== tenantId) {
      try {
        await client.query(`SELECT set_config('role', $1, false), set_config('app.tenant_id', $2, false)`, [
          APP_ROLE,
          tenantId,
        ]);
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
      client.meridianTenant = tenantId;
    }
    return client;
  }

  return {
    engine: 'postgres',
    async withTenant(tenantId, work) {
      const client = await scoped(tenantId);
      try {
        return await work(wrap(client));
      } finally {
        client.release();
      }
    },
    async transaction(tenantId, work) {
      const client = await scoped(tenantId);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async asOwner(work) {
      const client = new pg.Client({ connectionString: options.url });
      await client.connect();
      try {
        return await work(wrap(client));
      } finally {
        await client.end();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
