import type { Queryable } from '../../platform/db';

/**
 * Serialises the allergy writes of one patient until the transaction ends, so two requests cannot both
 * find no contradiction ("no known allergy" and an allergy in force) and both write. A transaction-scoped
 * advisory lock: no table, released at commit or rollback, the same on PostgreSQL and PGlite.
 */
export async function lockPatientAllergies(tx: Queryable, tenantId: string, patientId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`meridian:allergies:${tenantId}:${patientId}`]);
}
