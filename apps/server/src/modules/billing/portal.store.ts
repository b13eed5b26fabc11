import type { Queryable } from '../../platform/db';
import type { InsurerShare } from './portal.balance';

/**
 * SQL of the patient portal's billing: what the patient paid on each invoice, what claims left with
 * insurers, and the lock on their account.
 */

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
 * Each claim's insurer share, from its ledger entries (source `Claim/<id>`): the claim moves the amount
 * from the patient's receivable to the insurer's; a remittance clears it into the bank (paid), contractual
 * adjustments (taken off) and back to the patient (their part); a denial moves it all back to the patient.
 */
export async function insurerShares(
  db: Queryable,
  tenantId: string,
  claims: readonly string[],
): Promise<Map<string, InsurerShare>> {
  const shares = new Map<string, InsurerShare>();
  if (!claims.length) return shares;
  const { rows } = await db.query<{ source: string; account: string; amount: string }>(
    `SELECT e.source, l.account, sum(l.amount) AS amount
     FROM billing_journal_entry e
     JOIN billing_journal_line l ON l.tenant_id = e.tenant_id AND l.entry_id = e.id
     WHERE e.tenant_id = $1 AND e.source = ANY($2::text[])
       AND l.account IN ('insurer-ar', 'bank', 'contractual-adjustment')
     GROUP BY e.source, l.account`,
    [tenantId, claims],
  );
  for (const row of rows) {
    const share = shares.get(row.source) ?? { expected: 0, paid: 0, adjusted: 0 };
    const amount = Number(row.amount);
    if (row.account === 'insurer-ar') share.expected += amount;
    else if (row.account === 'bank') share.paid += amount;
    else share.adjusted += amount;
    shares.set(row.source, share);
  }
  return shares;
}

/**
 * Serialises the portal's payments of one patient until the transaction ends, so two payments at once
 * cannot both fit under the same open balance.
 */
export async function lockPatientAccount(tx: Queryable, tenantId: string, patientId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`meridian:billing-portal:${tenantId}:${patientId}`]);
}
