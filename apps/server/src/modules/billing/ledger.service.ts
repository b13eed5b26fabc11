import { DateTime } from 'luxon';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { auditBilling, type BillingCaller, recorderOf } from './billing.context';
import { billingErrors } from './billing.errors';
import { CASH_ACCOUNTS, RECEIVABLE_ACCOUNTS } from './ledger.accounts';
import type { LedgerStore } from './ledger.store';

export interface LedgerServiceDeps {
  db: Database;
  ledger: LedgerStore;
  audit: AuditService;
  now: () => Date;
}

/** Balances, aging and the daily cash report, all computed from the journal; manual write-offs. */
export class LedgerService {
  constructor(private readonly deps: LedgerServiceDeps) {}

  trialBalance(tenantId: string, asOf?: string) {
    return this.deps.db.withTenant(tenantId, async (db) => {
      const accounts = await this.deps.ledger.trialBalance(db, tenantId, asOf);
      const totals = new Map<string, number>();
      for (const row of accounts) totals.set(row.currency, (totals.get(row.currency) ?? 0) + row.balance);
      return {
        accounts,
        balanced: [...totals.values()].every((total) => total === 0),
        totals: Object.fromEntries(totals),
      };
    });
  }

  /** What a patient owes (receivable less credit), per currency. */
  patientBalance(tenantId: string, patientId: string) {
    const party = `Patient/${patientId}`;
    return this.deps.db.withTenant(tenantId, async (db) => {
      const rows = await this.deps.ledger.partyBalances(db, tenantId, party);
      const currencies = [...new Set(rows.map((row) => row.currency))];
      return {
        patient: party,
        balances: currencies.map((currency) => {
          const of = (account: string) =>
            rows.find((row) => row.currency === currency && row.account === account)?.balance ?? 0;
          const receivable = of('patient-ar');
          const credit = -of('patient-credit');
          return { currency, receivable, credit, due: receivable - credit };
        }),
      };
    });
  }

  /** What a payer owes. */
  insurerBalance(tenantId: string, organizationId: string) {
    const party = `Organization/${organizationId}`;
    return this.deps.db.withTenant(tenantId, async (db) => {
      const rows = await this.deps.ledger.partyBalances(db, tenantId, party);
      return {
        payer: party,
        balances: rows
          .filter((row) => row.account === 'insurer-ar')
          .map((row) => ({ currency: row.currency, receivable: row.balance })),
      };
    });
  }

  aging(tenantId: string, asOf?: string) {
    const at = asOf ?? this.deps.now().toISOString();
    return this.deps.db.withTenant(tenantId, async (db) => {
      const rows = await this.deps.ledger.aging(db, tenantId, RECEIVABLE_ACCOUNTS, at);
      const totals: Record<
        string,
        Record<string, { '0-30': number; '31-60': number; '61-90': number; '90+': number; total: number }>
      > = {};
      for (const row of rows) {
        const byCurrency = totals[row.account] ?? {};
        totals[row.account] = byCurrency;
        const sum = byCurrency[row.currency] ?? { '0-30': 0, '31-60': 0, '61-90': 0, '90+': 0, total: 0 };
        byCurrency[row.currency] = sum;
        for (const bucket of ['0-30', '31-60', '61-90', '90+'] as const) sum[bucket] += row.buckets[bucket];
        sum.total += row.total;
      }
      return { asOf: at, parties: rows, totals };
    });
  }

  /** Money received and paid out on one local day of the clinic (IANA time zone), per cash account. */
  dailyCash(tenantId: string, date: string, timeZone: string) {
    const start = DateTime.fromISO(date, { zone: timeZone });
    if (!start.isValid)
      throw billingErrors.invalidRequest(`date/timeZone: ${start.invalidExplanation ?? 'invalid'}`, 'date');
    const from = start.startOf('day');
    const to = from.plus({ days: 1 });
    return this.deps.db.withTenant(tenantId, async (db) => {
      const rows = await this.deps.ledger.cashMovements(
        db,
        tenantId,
        CASH_ACCOUNTS,
        from.toUTC().toISO()!,
        to.toUTC().toISO()!,
      );
      const totals: Record<string, { received: number; paidOut: number; net: number }> = {};
      for (const row of rows) {
        const total = totals[row.currency] ?? { received: 0, paidOut: 0, net: 0 };
        totals[row.currency] = total;
        total.received += row.received;
        total.paidOut += row.paidOut;
        total.net += row.received - row.paidOut;
      }
      return {
        date: from.toISODate(),
        timeZone,
        from: from.toUTC().toISO(),
        to: to.toUTC().toISO(),
        movements: rows,
        totals,
      };
    });
  }

  entries(tenantId: string, filter: { source?: string; party?: string; limit: number }) {
    return this.deps.db.withTenant(tenantId, (db) => this.deps.ledger.entriesFor(db, tenantId, filter));
  }

  /** Writes off part of a patient's receivable (bad debt, small balances): one audited entry. */
  writeOff(caller: BillingCaller, input: { patient: string; amount: number; currency: string; reason: string }) {
    const tenantId = caller.ctx.tenantId;
    return this.deps.db.transaction(tenantId, async (tx) => {
      const party = `Patient/${input.patient}`;
      const rows = await this.deps.ledger.partyBalances(tx, tenantId, party);
      const receivable =
        rows.find((row) => row.account === 'patient-ar' && row.currency === input.currency)?.balance ?? 0;
      if (input.amount > receivable) {
        throw billingErrors.conflict(`amount: the patient owes ${receivable} ${input.currency} minor units`, 'amount');
      }
      const entryId = await this.deps.ledger.post(tx, tenantId, {
        kind: 'write-off',
        occurredAt: this.deps.now().toISOString(),
        currency: input.currency,
        source: party,
        memo: input.reason,
        recordedBy: recorderOf(caller.actor),
        lines: [
          { account: 'write-off', amount: input.amount },
          { account: 'patient-ar', party, amount: -input.amount },
        ],
      });
      await auditBilling(this.deps.audit, tx, caller, {
        action: 'billing-write-off',
        resourceType: 'JournalEntry',
        resourceId: entryId,
        patientId: input.patient,
      });
      return { entry: entryId };
    });
  }
}
