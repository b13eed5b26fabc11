export type { Database, DatabaseEngine, Queryable, QueryResult } from './database';
export { APP_ROLE, assertTenantId } from './database';
export {
  claimDueDeliveries,
  type DeliveryOutcome,
  type DeliveryQueue,
  type DeliveryQueueStatus,
  deliveryQueueStatus,
  recordDeliveryAttempt,
} from './delivery-queue';
export { loadMigrations, MIGRATIONS_DIR, type Migration, type MigrationReport, migrate } from './migrate';
export { openDatabase, openMigratedDatabase } from './open';
export { createPgliteDatabase, type PgliteDatabase, type PgliteOptions } from './pglite';
export { createPostgresDatabase, type PostgresOptions } from './postgres';
export { StatisticsKeeper, type StatisticsKeeperOptions } from './statistics-keeper';
