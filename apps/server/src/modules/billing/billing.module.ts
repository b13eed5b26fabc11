import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import type { EventPublisher } from './billing.context';
import { registerLedgerRoutes } from './ledger.routes';
import { LedgerService } from './ledger.service';
import { LedgerStore } from './ledger.store';

export interface BillingModuleOptions {
  db: Database;
  fhir: FhirServices;
  audit: AuditService;
  /** The domain events outbox (modules/events), when wired. */
  events?: EventPublisher | undefined;
  now?: (() => Date) | undefined;
}

export interface BillingModule {
  ledger: LedgerService;
}

/** Billing and revenue: catalog, charges, invoices, payments, claims, and the ledger under all of them. */
export function registerBillingModule(app: FastifyInstance, options: BillingModuleOptions): BillingModule {
  const now = options.now ?? (() => new Date());
  const store = new LedgerStore();
  const ledger = new LedgerService({ db: options.db, ledger: store, audit: options.audit, now });
  registerLedgerRoutes(app, ledger);
  return { ledger };
}
