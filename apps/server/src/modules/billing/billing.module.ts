import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import type { EventPublisher } from './billing.context';
import { chargeItemWriteGuard, invoiceWriteGuard } from './billing.guards';
import { CatalogService } from './catalog';
import { registerCatalogRoutes } from './catalog.routes';
import { ChargesService } from './charges';
import { type EventSubscriber, subscribeToAppointments } from './charges.events';
import { registerChargeRoutes } from './charges.routes';
import { ClaimsService } from './claims';
import { registerClaimRoutes } from './claims.routes';
import { type PaymentGateway, TestPaymentGateway } from './gateway';
import { InvoicesService } from './invoices';
import { registerInvoiceRoutes } from './invoices.routes';
import { registerLedgerRoutes } from './ledger.routes';
import { LedgerService } from './ledger.service';
import { LedgerStore } from './ledger.store';
import { PaymentsService } from './payments';
import { registerPaymentRoutes } from './payments.routes';
import { PortalBillingService } from './portal';
import { registerPortalBillingRoutes } from './portal.routes';

export interface BillingModuleOptions {
  db: Database;
  fhir: FhirServices;
  audit: AuditService;
  /** The domain events bus (modules/events): billing publishes to it and follows appointments. */
  events?: (EventPublisher & Partial<EventSubscriber>) | undefined;
  /**
   * The card payment gateway. None is wired for production yet: the development gateway approves the
   * test token `tok_visa` and signs its webhooks with a secret made at start.
   */
  gateway?: PaymentGateway | undefined;
  now?: (() => Date) | undefined;
}

export interface BillingModule {
  ledger: LedgerService;
  catalog: CatalogService;
  charges: ChargesService;
  invoices: InvoicesService;
  payments: PaymentsService;
  claims: ClaimsService;
  portal: PortalBillingService;
  gateway: PaymentGateway;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The billing module's payment gateway (tests sign webhooks with its secret). */
    billingGateway: PaymentGateway;
  }
}

/** Billing and revenue: catalog, charges, invoices, payments, claims, and the ledger under all of them. */
export function registerBillingModule(app: FastifyInstance, options: BillingModuleOptions): BillingModule {
  const now = options.now ?? (() => new Date());
  const { repository, search } = options.fhir;
  const store = new LedgerStore();
  const ledger = new LedgerService({ db: options.db, ledger: store, audit: options.audit, now });
  const catalog = new CatalogService({ repository, search });
  const charges = new ChargesService({ repository, search, audit: options.audit, ledger: store, now });
  const invoices = new InvoicesService({
    repository,
    search,
    audit: options.audit,
    ledger: store,
    charges,
    events: options.events,
    now,
  });
  const gateway = options.gateway ?? new TestPaymentGateway();
  app.decorate('billingGateway', gateway);
  const payments = new PaymentsService({
    db: options.db,
    repository,
    ledger: store,
    audit: options.audit,
    gateway,
    events: options.events,
    now,
  });
  const claims = new ClaimsService({
    repository,
    search,
    audit: options.audit,
    ledger: store,
    invoices,
    payments,
    events: options.events,
    now,
  });
  repository.addWriteGuard('Invoice', invoiceWriteGuard);
  repository.addWriteGuard('ChargeItem', chargeItemWriteGuard);
  registerLedgerRoutes(app, ledger);
  registerCatalogRoutes(app, catalog);
  registerChargeRoutes(app, charges);
  registerInvoiceRoutes(app, invoices, repository);
  registerPaymentRoutes(app, payments, { db: options.db, ledger: store, gateway, now });
  registerClaimRoutes(app, claims);
  const portal = new PortalBillingService({
    db: options.db,
    repository,
    search,
    ledger: store,
    payments,
    audit: options.audit,
  });
  registerPortalBillingRoutes(app, portal, options.audit);
  if (options.events?.subscribe) {
    subscribeToAppointments(options.events as EventSubscriber, catalog, charges, now);
  }
  return { ledger, catalog, charges, invoices, payments, claims, portal, gateway };
}
