import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { LedgerStore, type Posting } from './index';

let app: TestApp;
let billing: SignedIn;
let tenantId: string;
const store = new LedgerStore();
const clock = new Date('2026-06-30T12:00:00Z');

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => clock });
  tenantId = newTenantId();
  billing = await signIn(app, { role: 'billing', tenantId });
});
afterAll(async () => app?.close());

const post = (posting: Posting) => app.db.transaction(tenantId, (tx) => store.post(tx, tenantId, posting));

function invoiceEntry(patient: string, amount: number, occurredAt: string): Posting {
  return {
    kind: 'invoice',
    occurredAt,
    currency: 'USD',
    lines: [
      { account: 'patient-ar', party: patient, amount },
      { account: 'revenue', amount: -amount },
    ],
  };
}

async function trialBalance() {
  const res = await billing.request('GET', '/billing/ledger/trial-balance');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { balanced: boolean; accounts: { account: string; currency: string; balance: number }[] };
}

describe('the ledger', () => {
  it('refuses an entry whose lines do not balance, at the database too', async () => {
    await expect(
      post({
        kind: 'invoice',
        occurredAt: clock.toISOString(),
        currency: 'USD',
        lines: [
          { account: 'patient-ar', party: 'Patient/x', amount: 100 },
          { account: 'revenue', amount: -99 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'BILLING_UNBALANCED' });
    // Past the application check: the deferred constraint trigger refuses it at commit.
    await post(invoiceEntry('Patient/seed', 1, clock.toISOString()));
    const id = randomUUID();
    await expect(
      app.db.transaction(tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO billing_journal_entry (tenant_id, id, kind, occurred_at) VALUES ($1, $2, 'invoice', now())`,
          [tenantId, id],
        );
        await tx.query(
          `INSERT INTO billing_journal_line (tenant_id, entry_id, line_no, account, party, amount, currency, occurred_at)
           VALUES ($1, $2, 1, 'patient-ar', 'Patient/x', 100, 'USD', now()), ($1, $2, 2, 'revenue', NULL, -99, 'USD', now())`,
          [tenantId, id],
        );
      }),
    ).rejects.toThrow(/does not balance/);
    // An entry with no lines at all is refused too.
    await expect(
      app.db.transaction(tenantId, (tx) =>
        tx.query(`INSERT INTO billing_journal_entry (tenant_id, id, kind, occurred_at) VALUES ($1, $2, 'x', now())`, [
          tenantId,
          randomUUID(),
        ]),
      ),
    ).rejects.toThrow(/needs at least two/);
    expect((await trialBalance()).balanced).toBe(true);
  });

  it('is append-only: the application role can neither change nor delete an entry', async () => {
    const id = await post(invoiceEntry('Patient/append', 500, clock.toISOString()));
    await expect(
      app.db.transaction(tenantId, (tx) =>
        tx.query('UPDATE billing_journal_line SET amount = 1 WHERE tenant_id = $1 AND entry_id = $2', [tenantId, id]),
      ),
    ).rejects.toThrow();
    await expect(
      app.db.transaction(tenantId, (tx) =>
        tx.query('DELETE FROM billing_journal_entry WHERE tenant_id = $1 AND id = $2', [tenantId, id]),
      ),
    ).rejects.toThrow();
    // Not even the schema owner can rewrite history.
    await expect(
      app.db.asOwner((db) => db.query('UPDATE billing_journal_line SET amount = 1 WHERE entry_id = $1', [id])),
    ).rejects.toThrow(/append-only/);
  });

  it('ages receivables by the date of the debits still open (payments settle the oldest first)', async () => {
    const patient = `Patient/${randomUUID()}`;
    const daysAgo = (days: number) => new Date(clock.getTime() - days * 86_400_000).toISOString();
    await post(invoiceEntry(patient, 10_000, daysAgo(100)));
    await post(invoiceEntry(patient, 5_000, daysAgo(70)));
    await post(invoiceEntry(patient, 3_000, daysAgo(45)));
    await post(invoiceEntry(patient, 2_000, daysAgo(5)));
    // A payment of 12,000 settles the 100-day invoice and 2,000 of the 70-day one.
    await post({
      kind: 'payment',
      occurredAt: daysAgo(1),
      currency: 'USD',
      lines: [
        { account: 'cash', amount: 12_000 },
        { account: 'patient-ar', party: patient, amount: -12_000 },
      ],
    });
    const res = await billing.request('GET', '/billing/reports/aging');
    expect(res.statusCode, res.body).toBe(200);
    const row = (res.json().parties as { party: string; buckets: Record<string, number>; total: number }[]).find(
      (entry) => entry.party === patient,
    );
    expect(row).toMatchObject({ buckets: { '0-30': 2_000, '31-60': 3_000, '61-90': 3_000, '90+': 0 }, total: 8_000 });

    const balance = await billing.request('GET', `/billing/patients/${patient.slice(8)}/balance`);
    expect(balance.json().balances).toEqual([{ currency: 'USD', receivable: 8_000, credit: 0, due: 8_000 }]);
  });

  it('reports the cash received on a local day of the clinic', async () => {
    // 23:30 in Chicago on 2026-06-29 is 04:30 UTC on the 30th.
    await post({
      kind: 'payment',
      occurredAt: '2026-06-30T04:30:00Z',
      currency: 'USD',
      lines: [
        { account: 'card-clearing', amount: 2_500 },
        { account: 'patient-ar', party: 'Patient/cash-day', amount: -2_500 },
      ],
    });
    const chicago = await billing.request(
      'GET',
      '/billing/reports/daily-cash?date=2026-06-29&timeZone=America/Chicago',
    );
    expect(chicago.statusCode, chicago.body).toBe(200);
    const card = (body: { movements: { account: string }[] }) =>
      body.movements.filter((row) => row.account === 'card-clearing');
    expect(card(chicago.json())).toEqual([
      { account: 'card-clearing', currency: 'USD', kind: 'payment', received: 2_500, paidOut: 0, entries: 1 },
    ]);
    const utc = await billing.request('GET', '/billing/reports/daily-cash?date=2026-06-29');
    expect(card(utc.json())).toEqual([]);
    const bad = await billing.request('GET', '/billing/reports/daily-cash?date=2026-06-29&timeZone=Mars/Olympus');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().path).toBe('timeZone');
  });

  it('writes off part of a balance with an audited entry, never more than is owed', async () => {
    const patient = randomUUID();
    await post(invoiceEntry(`Patient/${patient}`, 700, clock.toISOString()));
    const tooMuch = await billing.request('POST', '/billing/write-offs', {
      patient,
      amount: 701,
      currency: 'USD',
      reason: 'small balance',
    });
    expect(tooMuch.statusCode).toBe(409);
    const ok = await billing.request('POST', '/billing/write-offs', {
      patient,
      amount: 200,
      currency: 'USD',
      reason: 'small balance',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const balance = await billing.request('GET', `/billing/patients/${patient}/balance`);
    expect(balance.json().balances[0].due).toBe(500);
    expect((await trialBalance()).balanced).toBe(true);
  });

  it('is for the billing desk only', async () => {
    const nurse = await signIn(app, { role: 'nurse', tenantId });
    expect((await nurse.request('GET', '/billing/ledger/trial-balance')).statusCode).toBe(403);
  });
});
