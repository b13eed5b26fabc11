import type { Queryable } from '../../platform/db';

/**
 * Of `types`, those with resources whose `patient` search parameter names this patient, with how many
 * index rows say so, counted up to `cap` (a resource naming the patient twice counts twice, so the count
 * is never below the number of resources). One short range of the reference index (tenant, type, code,
 * target) per type. The chart searches every type by `patient`, so a type missing here would find
 * nothing and its search is not run. (A DISTINCT over every reference to the patient, as $everything
 * needs, reads all the rows of a long chart.)
 */
export async function patientTypeSizes(
  db: Queryable,
  tenantId: string,
  patientId: string,
  types: string[],
  cap: number,
): Promise<Map<string, number>> {
  const result = await db.query<{ resource_type: string; n: number }>(
    `SELECT t.resource_type, s.n
       FROM unnest($3::text[]) AS t(resource_type),
            LATERAL (SELECT count(*)::int AS n FROM (
                       SELECT 1 FROM fhir_sp_reference r
                        WHERE r.tenant_id = $1 AND r.resource_type = t.resource_type AND r.code = 'patient'
                          AND r.target_id = $2 AND r.target_type = 'Patient'
                        LIMIT $4) rows) s
      WHERE s.n > 0`,
    [tenantId, patientId, types, cap],
  );
  return new Map(result.rows.map((row) => [row.resource_type, Number(row.n)]));
}
