/** What every store needs from the database, whichever engine is behind it. */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type DatabaseEngine = 'pglite' | 'postgres';

export interface Database {
  readonly engine: DatabaseEngine;
  /**
   * Runs `work` on a connection scoped to one tenant: row-level security sees only that tenant's rows.
   * Not a transaction; use `transaction` when several statements must stand or fall together.
   */
  withTenant<T>(tenantId: string, work: (db: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` in one transaction scoped to one tenant; any throw rolls everything back. */
  transaction<T>(tenantId: string, work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` as the schema owner, outside any tenant: migrations and platform-wide tables only. */
  asOwner<T>(work: (db: Queryable) => Promise<T>): Promise<T>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The unprivileged role every tenant-scoped statement runs as, so row-level security applies. */
export const APP_ROLE = 'meridian_app';

/** Tenant ids are UUIDs; checking the shape here keeps anything else out of the session settings. */
export function assertTenantId(tenantId: string): void {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) {
    throw new Error('Tenant id must be a UUID');
  }
}
