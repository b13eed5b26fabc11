import type { Queryable } from '../../platform/db';

/** SQL of the patient portal's billing: what the patient paid on each invoice, and the lock on their account. */

/** Each invoice's payments by or for the patient (not an insurer's) less their refunds, in minor units. */
export async function paidPerInvoice(db: Queryable, tenantId: string, patientId: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ invoice_id: string; paid: string }>(
    `SELECT invoice_id, sum(CASE WHEN kind = 'refund' THEN -amount ELSE amount END) AS paid
     FROM billing_payment
     WHERE tenant_id = $1 AND patient_id = $2 AND invoice_id IS NOT NULL AND method <> 'insurance'
     GROUP BY invoice_id`,
    [tenantId, patientId],
  );
  return new Map(rows.map((row) => [row.invoice_id, Number(row.paid)]));
}

/**
 * Serialises the portal's payments of one patient until the transaction ends, so two payments at once
 * cannot both fit under the same open balance.
 */
export async function lockPatientAccount(tx: Queryable, tenantId: string, patientId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`meridian:billing-portal:${tenantId}:${patientId}`]);
}
