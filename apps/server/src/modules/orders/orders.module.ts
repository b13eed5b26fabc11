import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { AuditService } from '../audit';
import type { Priority } from './orders.catalog';
import { type EventPublisher, NO_EVENTS } from './orders.events';
import { orderWriteGuard, reportWriteGuard } from './orders.hooks';
import { registerOrdersRoutes } from './orders.routes';
import { OrdersService } from './orders.service';
import { ResultsInbox } from './results.inbox';
import { watchResults } from './results.reactions';
import { ResultsService } from './results.service';

export interface OrdersModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  /** Domain events (order.placed|revoked, result.available|critical); none published when absent. */
  events?: EventPublisher | undefined;
  /** How long an order of each priority may wait for a result before the inbox calls it overdue (ms). */
  overdueAfter?: Partial<Record<Priority, number>> | undefined;
  now?: (() => Date) | undefined;
}

/**
 * Lab and imaging orders with accession numbers, results with flags and critical alerts, the results
 * inbox. Its write hooks (withOrderWriteHooks) must be given to createFhirServices.
 */
export function registerOrdersModule(app: FastifyInstance, options: OrdersModuleOptions) {
  const { repository, search } = options.fhir;
  repository.addWriteGuard('ServiceRequest', orderWriteGuard);
  repository.addWriteGuard('DiagnosticReport', reportWriteGuard);
  const common = {
    repository,
    search,
    audit: options.audit,
    events: options.events ?? NO_EVENTS,
    ...(options.now ? { now: options.now } : {}),
  };
  watchResults({ repository, search, events: common.events, now: options.now ?? (() => new Date()) });
  const orders = new OrdersService(common);
  const results = new ResultsService(common);
  const inbox = new ResultsInbox({
    ...common,
    ...(options.overdueAfter ? { overdueAfter: options.overdueAfter } : {}),
  });
  registerOrdersRoutes(app, { orders, results, inbox });
  return { orders, results, inbox };
}
