import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import { billingErrors } from './billing.errors';
import { ACCOUNT_CODES, ACCOUNTS, type AccountCode, partyTypeOf } from './ledger.accounts';

export interface PostingLine {
  account: AccountCode;
  /** Patient/<id> or Organization/<id>: required on sub-ledger accounts, refused on others. */
  party?: string | undefined;
  /** Minor units: debit positive, credit negative. */
  amount: number;
}

export interface Posting {
  kind: string;
  occurredAt: string;
  currency: string;
  source?: string | undefined;
  memo?: string | undefined;
  recordedBy?: string | undefined;
  lines: PostingLine[];
}

export interface JournalEntry {
  id: string;
  seq: number;
  kind: string;
  occurredAt: string;
  source: string | null;
  memo: string | null;
  lines: { account: string; party: string | null; amount: number; currency: string }[];
}

/** Accounts with sub-ledgers: naming them lets party lookups use the (account, party) index. */
const PARTY_ACCOUNTS = ACCOUNT_CODES.filter((code) => partyTypeOf(code) !== undefined);

/** Checks a posting before it reaches the database (which checks the balance again at commit). */
export function checkPosting(posting: Posting): PostingLine[] {
  const lines = posting.lines.filter((line) => line.amount !== 0);
  for (const [index, line] of lines.entries()) {
    if (!Number.isSafeInteger(line.amount)) throw billingErrors.unbalanced(`line ${index}: amount must be an integer`);
    const partyType = partyTypeOf(line.account);
    if (partyType && !line.party?.startsWith(`${partyType}/`)) {
      throw billingErrors.unbalanced(`line ${index}: ${line.account} needs a ${partyType} party`);
    }
    if (!partyType && line.party) throw billingErrors.unbalanced(`line ${index}: ${line.account} has no parties`);
  }
  if (lines.length < 2) throw billingErrors.unbalanced('A journal entry needs at least two non-zero lines');
  const sum = lines.reduce((total, line) => total + BigInt(line.amount), 0n);
  if (sum !== 0n) throw billingErrors.unbalanced(`The entry's debits and credits differ by ${sum}`);
  return lines;
}

/** The tenant's ledger: append-only journal entries and what is computed from them. */
export class LedgerStore {
  /** Posts one balanced entry on the caller's transaction; returns its id. */
  async post(tx: Queryable, tenantId: string, posting: Posting): Promise<string> {
    const lines = checkPosting(posting);
    const id = randomUUID();
    // The tenant's chart of accounts is created by its first entry (in the same statement).
    await tx.query(
      `WITH chart AS (
         INSERT INTO billing_ledger_account (tenant_id, code, kind, name)
         SELECT $1, code, kind, name FROM unnest($8::text[], $9::text[], $10::text[]) AS a(code, kind, name)
         ON CONFLICT DO NOTHING
       )
       INSERT INTO billing_journal_entry (tenant_id, id, kind, occurred_at, source, memo, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        tenantId,
        id,
        posting.kind,
        posting.occurredAt,
        posting.source ?? null,
        posting.memo ?? null,
        posting.recordedBy ?? null,
        ACCOUNT_CODES,
        ACCOUNT_CODES.map((code) => ACCOUNTS[code].kind),
        ACCOUNT_CODES.map((code) => ACCOUNTS[code].name),
      ],
    );
    await tx.query(
      `INSERT INTO billing_journal_line (tenant_id, entry_id, line_no, account, party, amount, currency, occurred_at)
       SELECT $1, $2, line_no, account, party, amount, $3, $4
       FROM unnest($5::int[], $6::text[], $7::text[], $8::bigint[]) AS l(line_no, account, party, amount)`,
      [
        tenantId,
        id,
        posting.currency,
        posting.occurredAt,
        lines.map((_, index) => index + 1),
        lines.map((line) => line.account),
        lines.map((line) => line.party ?? null),
        lines.map((line) => String(line.amount)),
      ],
    );
    return id;
  }

  /** Whether an entry of `kind` was posted for `source` (e.g. a charge's unbilled revenue). */
  async hasEntry(db: Queryable, tenantId: string, source: string, kind: string): Promise<boolean> {
    const { rows } = await db.query<{ posted: number }>(
      `SELECT (count(*) FILTER (WHERE kind = $3) - count(*) FILTER (WHERE kind = $3 || '-void'))::int AS posted
       FROM billing_journal_entry WHERE tenant_id = $1 AND source = $2`,
      [tenantId, source, kind],
    );
    return (rows[0]?.posted ?? 0) > 0;
  }

  /** What entries about `source` left on one account (e.g. a claim's part of a payer's receivable). */
  async sourceBalance(db: Queryable, tenantId: string, source: string, account: string): Promise<number> {
    const { rows } = await db.query<{ balance: string | null }>(
      `SELECT sum(l.amount) AS balance FROM billing_journal_line l
       JOIN billing_journal_entry e ON e.tenant_id = l.tenant_id AND e.id = l.entry_id
       WHERE e.tenant_id = $1 AND e.source = $2 AND l.account = $3`,
      [tenantId, source, account],
    );
    return Number(rows[0]?.balance ?? 0);
  }

  /** Sum per account and currency; every currency's sums add up to zero when the books balance. */
  async trialBalance(db: Queryable, tenantId: string, asOf?: string) {
    const { rows } = await db.query<{ account: string; currency: string; balance: string }>(
      `SELECT account, currency, sum(amount) AS balance FROM billing_journal_line
       WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR occurred_at <= $2)
       GROUP BY account, currency ORDER BY currency, account`,
      [tenantId, asOf ?? null],
    );
    return rows.map((row) => ({ account: row.account, currency: row.currency, balance: Number(row.balance) }));
  }

  /** Balances of one party's sub-ledgers (patient AR and credit, or a payer's AR). */
  async partyBalances(db: Queryable, tenantId: string, party: string) {
    const { rows } = await db.query<{ account: string; currency: string; balance: string }>(
      `SELECT account, currency, sum(amount) AS balance FROM billing_journal_line
       WHERE tenant_id = $1 AND account = ANY($3::text[]) AND party = $2
       GROUP BY account, currency ORDER BY currency, account`,
      [tenantId, party, PARTY_ACCOUNTS],
    );
    return rows.map((row) => ({ account: row.account, currency: row.currency, balance: Number(row.balance) }));
  }

  async entriesFor(db: Queryable, tenantId: string, filter: { source?: string; party?: string; limit: number }) {
    const { rows } = await db.query<{
      id: string;
      seq: string;
      kind: string;
      occurred_at: string;
      source: string | null;
      memo: string | null;
      lines: string;
    }>(
      `SELECT e.id, e.seq, e.kind, e.occurred_at, e.source, e.memo,
         (SELECT json_agg(json_build_object('account', l.account, 'party', l.party, 'amount', l.amount::text,
            'currency', l.currency) ORDER BY l.line_no)::text
          FROM billing_journal_line l WHERE l.tenant_id = e.tenant_id AND l.entry_id = e.id) AS lines
       FROM billing_journal_entry e
       WHERE e.tenant_id = $1 AND ($2::text IS NULL OR e.source = $2)
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM billing_journal_line p
              WHERE p.tenant_id = e.tenant_id AND p.entry_id = e.id AND p.party = $3
                AND p.account = ANY($5::text[])))
       ORDER BY e.seq LIMIT $4`,
      [tenantId, filter.source ?? null, filter.party ?? null, filter.limit, PARTY_ACCOUNTS],
    );
    return rows.map(
      (row): JournalEntry => ({
        id: row.id,
        seq: Number(row.seq),
        kind: row.kind,
        occurredAt: row.occurred_at,
        source: row.source,
        memo: row.memo,
        lines: (
          JSON.parse(row.lines) as { account: string; party: string | null; amount: string; currency: string }[]
        ).map((line) => ({ ...line, amount: Number(line.amount) })),
      }),
    );
  }

  /**
   * Receivables by age at `asOf`: payments and credits settle the oldest debits first, so what is still
   * open is the most recent debits; each open part is aged from its debit's date.
   */
  async aging(db: Queryable, tenantId: string, accounts: AccountCode[], asOf: string) {
    const { rows } = await db.query<{
      account: string;
      party: string;
      currency: string;
      d0_30: string;
      d31_60: string;
      d61_90: string;
      d90_plus: string;
      total: string;
    }>(
      `WITH balance AS (
         SELECT account, party, currency, sum(amount) AS balance FROM billing_journal_line
         WHERE tenant_id = $1 AND account = ANY($2::text[]) AND occurred_at <= $3
         GROUP BY account, party, currency HAVING sum(amount) > 0
       ), debit AS (
         SELECT l.account, l.party, l.currency, l.amount, l.occurred_at,
           sum(l.amount) OVER (PARTITION BY l.account, l.party, l.currency
             ORDER BY l.occurred_at DESC, l.entry_id, l.line_no ROWS UNBOUNDED PRECEDING) AS running
         FROM billing_journal_line l
         JOIN balance b ON b.account = l.account AND b.party = l.party AND b.currency = l.currency
         WHERE l.tenant_id = $1 AND l.amount > 0 AND l.occurred_at <= $3
       ), open AS (
         SELECT d.account, d.party, d.currency,
           LEAST(d.amount, b.balance - (d.running - d.amount)) AS open,
           floor(extract(epoch FROM ($3::timestamptz - d.occurred_at)) / 86400) AS age
         FROM debit d JOIN balance b ON b.account = d.account AND b.party = d.party AND b.currency = d.currency
         WHERE d.running - d.amount < b.balance
       )
       SELECT account, party, currency,
         coalesce(sum(open) FILTER (WHERE age <= 30), 0) AS d0_30,
         coalesce(sum(open) FILTER (WHERE age > 30 AND age <= 60), 0) AS d31_60,
         coalesce(sum(open) FILTER (WHERE age > 60 AND age <= 90), 0) AS d61_90,
         coalesce(sum(open) FILTER (WHERE age > 90), 0) AS d90_plus,
         sum(open) AS total
       FROM open GROUP BY account, party, currency ORDER BY account, currency, party`,
      [tenantId, accounts, asOf],
    );
    return rows.map((row) => ({
      account: row.account,
      party: row.party,
      currency: row.currency,
      buckets: {
        '0-30': Number(row.d0_30),
        '31-60': Number(row.d31_60),
        '61-90': Number(row.d61_90),
        '90+': Number(row.d90_plus),
      },
      total: Number(row.total),
    }));
  }

  /** Money in and out of the cash accounts between two instants, per account, currency and entry kind. */
  async cashMovements(db: Queryable, tenantId: string, accounts: AccountCode[], from: string, to: string) {
    const { rows } = await db.query<{
      account: string;
      currency: string;
      kind: string;
      received: string;
      paid_out: string;
      entries: string;
    }>(
      `SELECT l.account, l.currency, e.kind,
         coalesce(sum(l.amount) FILTER (WHERE l.amount > 0), 0) AS received,
         coalesce(-sum(l.amount) FILTER (WHERE l.amount < 0), 0) AS paid_out,
         count(DISTINCT e.id) AS entries
       FROM billing_journal_line l
       JOIN billing_journal_entry e ON e.tenant_id = l.tenant_id AND e.id = l.entry_id
       WHERE l.tenant_id = $1 AND l.account = ANY($2::text[]) AND l.occurred_at >= $3 AND l.occurred_at < $4
       GROUP BY l.account, l.currency, e.kind ORDER BY l.currency, l.account, e.kind`,
      [tenantId, accounts, from, to],
    );
    return rows.map((row) => ({
      account: row.account,
      currency: row.currency,
      kind: row.kind,
      received: Number(row.received),
      paidOut: Number(row.paid_out),
      entries: Number(row.entries),
    }));
  }
}
