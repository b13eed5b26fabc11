export type { DomainEvent, EventPublisher } from './billing.context';
export { type BillingModule, type BillingModuleOptions, registerBillingModule } from './billing.module';
export { ACCOUNTS, type AccountCode } from './ledger.accounts';
export { LedgerStore, type Posting, type PostingLine } from './ledger.store';
