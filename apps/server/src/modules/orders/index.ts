export {
  accessionSystem,
  DEFAULT_OVERDUE_AFTER,
  formatAccession,
  ORDER_KINDS,
  type OrderKind,
  PRIORITIES,
  type Priority,
} from './orders.catalog';
export type { DomainEvent, EventPublisher } from './orders.events';
export { orderWriteGuard, reportWriteGuard, withOrderWriteHooks } from './orders.hooks';
export { type OrdersModuleOptions, registerOrdersModule } from './orders.module';
export { OrdersService } from './orders.service';
export { ORDER_STATUSES, type OrderStatus } from './orders.state';
export { ResultsInbox } from './results.inbox';
export { interpret, isCritical } from './results.interpret';
export { SHIPPED_RANGES, type ShippedRange } from './results.ranges';
export { ResultsService } from './results.service';
