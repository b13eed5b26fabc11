import type { Queryable } from '../../platform/db';

/** SQL of the access module: tenant policies, what is known about a caller, break-the-glass and alerts. */

export async function readPolicy(
  db: Queryable,
  tenantId: string,
): Promise<{ document: string; version: number; updatedAt: string; updatedBy: string | null } | undefined> {
  const result = await db.query<{ document: string; version: number; updated_at: string; updated_by: string | null }>(
    'SELECT document, version, updated_at, updated_by FROM access_policy WHERE tenant_id = $1',
    [tenantId],
  );
  const row = result.rows[0];
  return row
    ? {
        document: row.document,
        version: Number(row.version),
        updatedAt: new Date(row.updated_at).toISOString(),
        updatedBy: row.updated_by,
      }
    : undefined;
}

/** Stores a new version; false when the current version is not `previous` (someone changed it meanwhile). */
export async function writePolicy(
  db: Queryable,
  tenantId: string,
  change: { document: string; previous: number; updatedAt: string; updatedBy: string },
): Promise<boolean> {
  const result =
    change.previous === 0
      ? await db.query(
          `INSERT INTO access_policy (tenant_id, document, version, updated_at, updated_by) VALUES ($1, $2, 1, $3, $4)
           ON CONFLICT (tenant_id) DO NOTHING`,
          [tenantId, change.document, change.updatedAt, change.updatedBy],
        )
      : await db.query(
          `UPDATE access_policy SET document = $2, version = version + 1, updated_at = $3, updated_by = $4
           WHERE tenant_id = $1 AND version = $5`,
          [tenantId, change.document, change.updatedAt, change.updatedBy, change.previous],
        );
  return result.rowCount === 1;
}

export interface CallerFacts {
  /** The FHIR resource the member is, from their membership. */
  fhirUser?: string;
  /** Patients the caller holds an unexpired break-the-glass grant for. */
  brokenGlass: string[];
}

/** What the attribute rules need about the caller themselves, in one round trip: their FHIR user, their live break-the-glass grants. */
export async function readCallerFacts(
  db: Queryable,
  tenantId: string,
  caller: { userId?: string | undefined; subject: string },
  now: string,
): Promise<CallerFacts> {
  const result = await db.query<{ kind: string; value: string }>(
    `SELECT 'member' AS kind, fhir_user AS value FROM membership
       WHERE tenant_id = $1 AND user_id = $2::uuid AND fhir_user IS NOT NULL
     UNION ALL
     SELECT 'glass', patient_id FROM access_break_glass WHERE tenant_id = $1 AND subject = $3 AND expires_at > $4`,
    [tenantId, caller.userId ?? null, caller.subject, now],
  );
  const facts: CallerFacts = { brokenGlass: [] };
  for (const row of result.rows) {
    if (row.kind === 'member') facts.fhirUser ??= row.value;
    else facts.brokenGlass.push(row.value);
  }
  return facts;
}

/** The tenant's active Consents (their deny provisions restrict access). */
export async function readActiveConsents(db: Queryable, tenantId: string): Promise<string[]> {
  const result = await db.query<{ content: string }>(
    `SELECT r.content FROM fhir_resource r
       WHERE r.tenant_id = $1 AND r.resource_type = 'Consent' AND NOT r.deleted
         AND EXISTS (SELECT 1 FROM fhir_sp_token t WHERE t.tenant_id = r.tenant_id AND t.resource_type = 'Consent'
           AND t.resource_id = r.id AND t.code = 'status' AND t.value = 'active')`,
    [tenantId],
  );
  return result.rows.map((row) => row.content);
}

/**
 * The patients a practitioner cares for: those of the care teams they are a participant of, of the
 * encounters they take part in, and those managed by an organisation they hold a role in.
 */
export async function careTeamPatients(db: Queryable, tenantId: string, practitionerId: string): Promise<string[]> {
  const result = await db.query<{ patient: string }>(
    `SELECT p.target_id AS patient FROM fhir_sp_reference m
       JOIN fhir_sp_reference p ON p.tenant_id = m.tenant_id AND p.resource_type = m.resource_type
         AND p.resource_id = m.resource_id AND p.code IN ('patient', 'subject') AND p.target_type = 'Patient'
       WHERE m.tenant_id = $1 AND m.resource_type IN ('CareTeam', 'Encounter') AND m.code = 'participant'
         AND m.target_type = 'Practitioner' AND m.target_id = $2
     UNION
     SELECT pt.resource_id FROM fhir_sp_reference pr
       JOIN fhir_sp_reference po ON po.tenant_id = pr.tenant_id AND po.resource_type = 'PractitionerRole'
         AND po.resource_id = pr.resource_id AND po.code = 'organization' AND po.target_type = 'Organization'
       JOIN fhir_sp_reference pt ON pt.tenant_id = po.tenant_id AND pt.resource_type = 'Patient'
         AND pt.code = 'organization' AND pt.target_type = 'Organization' AND pt.target_id = po.target_id
       WHERE pr.tenant_id = $1 AND pr.resource_type = 'PractitionerRole' AND pr.code = 'practitioner'
         AND pr.target_type = 'Practitioner' AND pr.target_id = $2`,
    [tenantId, practitionerId],
  );
  return result.rows.map((row) => row.patient);
}

export async function patientExists(db: Queryable, tenantId: string, patientId: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM fhir_resource WHERE tenant_id = $1 AND resource_type = 'Patient' AND id = $2 AND NOT deleted`,
    [tenantId, patientId],
  );
  return result.rows.length > 0;
}

export async function insertBreakGlass(
  db: Queryable,
  grant: {
    tenantId: string;
    id: string;
    subject: string;
    patientId: string;
    reason: string;
    createdAt: string;
    expiresAt: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO access_break_glass (tenant_id, id, subject, patient_id, reason, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [grant.tenantId, grant.id, grant.subject, grant.patientId, grant.reason, grant.createdAt, grant.expiresAt],
  );
}

export interface AlertRow {
  id: string;
  kind: string;
  createdAt: string;
  subject: string;
  patientId: string | null;
  detail: string;
}

export async function insertAlert(db: Queryable, tenantId: string, alert: AlertRow): Promise<void> {
  await db.query(
    `INSERT INTO access_alert (tenant_id, id, kind, created_at, subject, patient_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [tenantId, alert.id, alert.kind, alert.createdAt, alert.subject, alert.patientId, alert.detail],
  );
}

export async function listAlerts(db: Queryable, tenantId: string, limit: number): Promise<AlertRow[]> {
  const result = await db.query<{
    id: string;
    kind: string;
    created_at: string;
    subject: string;
    patient_id: string | null;
    detail: string;
  }>(
    `SELECT id, kind, created_at, subject, patient_id, detail FROM access_alert
     WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [tenantId, limit],
  );
  return result.rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    createdAt: new Date(row.created_at).toISOString(),
    subject: row.subject,
    patientId: row.patient_id,
    detail: row.detail,
  }));
}
