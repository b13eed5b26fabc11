import { createHash } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import { billingErrors } from './billing.errors';

const KEY = /^[\x21-\x7e]{1,200}$/;

export function checkIdempotencyKey(key: string | string[] | undefined): string {
  if (typeof key !== 'string' || !KEY.test(key)) throw billingErrors.idempotencyKeyRequired();
  return key;
}

/** The request's fingerprint: the operation and its body with keys sorted at every level. */
export function requestHash(operation: string, body: unknown): string {
  return createHash('sha256')
    .update(`${operation}\n${canonical(body)}`)
    .digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export type Claim = { claimed: true } | { claimed: false; status: number; response: unknown };

/**
 * Claims `key` on the caller's transaction. A concurrent claim of the same key waits on the unique index
 * until the first transaction ends: if it committed, this one reads its answer; if it rolled back, this
 * one claims the key and does the work. The same key with another request is refused.
 */
export async function claimIdempotencyKey(
  tx: Queryable,
  tenantId: string,
  key: string,
  operation: string,
  hash: string,
): Promise<Claim> {
  const inserted = await tx.query(
    `INSERT INTO billing_idempotency (tenant_id, key, operation, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`,
    [tenantId, key, operation, hash],
  );
  if (inserted.rowCount > 0) return { claimed: true };
  const { rows } = await tx.query<{
    operation: string;
    request_hash: string;
    status: number | null;
    response: string | null;
  }>('SELECT operation, request_hash, status, response FROM billing_idempotency WHERE tenant_id = $1 AND key = $2', [
    tenantId,
    key,
  ]);
  const row = rows[0];
  if (!row) throw billingErrors.idempotencyInProgress();
  if (row.operation !== operation || row.request_hash !== hash) throw billingErrors.idempotencyKeyReused();
  if (row.status === null || row.response === null) throw billingErrors.idempotencyInProgress();
  return { claimed: false, status: row.status, response: JSON.parse(row.response) };
}

/** Stores the answer on the same transaction that claimed the key and did the work. */
export async function completeIdempotencyKey(
  tx: Queryable,
  tenantId: string,
  key: string,
  status: number,
  response: unknown,
): Promise<void> {
  await tx.query('UPDATE billing_idempotency SET status = $3, response = $4 WHERE tenant_id = $1 AND key = $2', [
    tenantId,
    key,
    status,
    JSON.stringify(response),
  ]);
}
