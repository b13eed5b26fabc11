import type { Queryable } from '../../platform/db';

/** Moves the tenant's accession counter on by `count` and returns the last number drawn. */
export async function advanceAccessionCounter(db: Queryable, tenantId: string, count: number): Promise<number> {
  const result = await db.query<{ last_value: string | number }>(
    `INSERT INTO order_accession_counter (tenant_id, last_value) VALUES ($1, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET last_value = order_accession_counter.last_value + EXCLUDED.last_value
     RETURNING last_value`,
    [tenantId, count],
  );
  return Number(result.rows[0]!.last_value);
}

/**
 * Records an accession number as issued to this order. True when it is new or already this order's;
 * false when another order holds it.
 */
export async function claimAccession(
  db: Queryable,
  tenantId: string,
  value: string,
  serviceRequestId: string,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO order_accession (tenant_id, value, service_request_id) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, value) DO NOTHING RETURNING value`,
    [tenantId, value, serviceRequestId],
  );
  if (result.rows.length === 1) return true;
  const holder = await db.query<{ service_request_id: string }>(
    'SELECT service_request_id FROM order_accession WHERE tenant_id = $1 AND value = $2',
    [tenantId, value],
  );
  return holder.rows[0]?.service_request_id === serviceRequestId;
}

export interface ResultAck {
  reportId: string;
  reportIssued: string;
  acknowledgedAt: string;
}

/** The caller's acknowledgements of these reports. */
export async function readAcks(
  db: Queryable,
  tenantId: string,
  account: string,
  reportIds: string[],
): Promise<Map<string, ResultAck>> {
  if (!reportIds.length) return new Map();
  const result = await db.query<{ report_id: string; report_issued: string; acknowledged_at: string }>(
    `SELECT report_id, report_issued, acknowledged_at FROM result_ack
     WHERE tenant_id = $1 AND acknowledged_by = $2 AND report_id = ANY($3::text[])`,
    [tenantId, account, reportIds],
  );
  return new Map(
    result.rows.map((row) => [
      row.report_id,
      {
        reportId: row.report_id,
        reportIssued: row.report_issued,
        acknowledgedAt: new Date(row.acknowledged_at).toISOString(),
      },
    ]),
  );
}

/** Records (or renews, for a report issued again) the caller's acknowledgement of a report. */
export async function writeAck(
  db: Queryable,
  tenantId: string,
  account: string,
  reportId: string,
  reportIssued: string,
  at: string,
): Promise<void> {
  await db.query(
    `INSERT INTO result_ack (tenant_id, report_id, acknowledged_by, report_issued, acknowledged_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, report_id, acknowledged_by)
     DO UPDATE SET report_issued = EXCLUDED.report_issued, acknowledged_at = EXCLUDED.acknowledged_at`,
    [tenantId, reportId, account, reportIssued, at],
  );
}
