import type { FastifyInstance } from 'fastify';
import { billingCallerOf } from './billing.context';
import {
  agingQuery,
  dailyCashQuery,
  entriesQuery,
  parseBillingInput,
  resourceId,
  writeOffBody,
} from './billing.schemas';
import type { LedgerService } from './ledger.service';

const TAGS = ['billing'];
const config = { access: 'billing' };
type WithId = { Params: { id: string } };

export function registerLedgerRoutes(app: FastifyInstance, ledger: LedgerService): void {
  app.get(
    '/billing/ledger/trial-balance',
    { config, schema: { tags: TAGS, summary: 'Balance of every ledger account; each currency sums to zero' } },
    async (request) => ledger.trialBalance(request.tenantId, parseBillingInput(agingQuery, request.query).asOf),
  );
  app.get(
    '/billing/ledger/entries',
    { config, schema: { tags: TAGS, summary: 'Journal entries (by source or party), oldest first' } },
    async (request) => ledger.entries(request.tenantId, parseBillingInput(entriesQuery, request.query)),
  );
  app.get<WithId>(
    '/billing/patients/:id/balance',
    { config, schema: { tags: TAGS, summary: "A patient's receivable, credit and amount due, from the ledger" } },
    async (request) => ledger.patientBalance(request.tenantId, parseBillingInput(resourceId, request.params.id)),
  );
  app.get<WithId>(
    '/billing/payers/:id/balance',
    { config, schema: { tags: TAGS, summary: 'What an insurer (Organization) owes, from the ledger' } },
    async (request) => ledger.insurerBalance(request.tenantId, parseBillingInput(resourceId, request.params.id)),
  );
  app.get(
    '/billing/reports/aging',
    { config, schema: { tags: TAGS, summary: 'Accounts receivable aging: 0-30, 31-60, 61-90, 90+ days' } },
    async (request) => ledger.aging(request.tenantId, parseBillingInput(agingQuery, request.query).asOf),
  );
  app.get(
    '/billing/reports/daily-cash',
    { config, schema: { tags: TAGS, summary: 'Money received and refunded on one local day, per cash account' } },
    async (request) => {
      const query = parseBillingInput(dailyCashQuery, request.query);
      return ledger.dailyCash(request.tenantId, query.date, query.timeZone);
    },
  );
  app.post(
    '/billing/write-offs',
    { config, schema: { tags: TAGS, summary: "Write off part of a patient's receivable (one ledger entry)" } },
    async (request, reply) =>
      reply
        .code(201)
        .send(await ledger.writeOff(billingCallerOf(request), parseBillingInput(writeOffBody, request.body))),
  );
}
