import type { Queryable } from '../../platform/db';

/**
 * The resource types with at least one indexed reference to the patient: a cheap first look (one index
 * range on fhir_sp_reference) so $everything asks the search service only about types that can match.
 */
export async function typesReferencingPatient(
  db: Queryable,
  tenantId: string,
  patientId: string,
): Promise<Set<string>> {
  const result = await db.query<{ resource_type: string }>(
    `SELECT DISTINCT resource_type FROM fhir_sp_reference
     WHERE tenant_id = $1 AND target_type = 'Patient' AND target_id = $2`,
    [tenantId, patientId],
  );
  return new Set(result.rows.map((row) => row.resource_type));
}
