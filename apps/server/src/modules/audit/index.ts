export {
  type AuditCheckpoint,
  type AuditOutcome,
  type AuditRecord,
  type ChainProblem,
  canonicalAuditContent,
  GENESIS_HASH,
  hashAuditRecord,
  macAuditRecord,
} from './audit.chain';
export { AUDIT_ERROR_CODES, auditErrors } from './audit.errors';
export { auditBundle, auditCsv, toAuditEvent } from './audit.fhir';
export { auditFhirWrites, callerOf } from './audit.http';
export { AUDIT_KEY_FILE, loadAuditKey } from './audit.key';
export { type AuditModuleOptions, registerAuditModule } from './audit.module';
export { AUDIT_REPORTS } from './audit.reports';
export { fhirInteraction, registerAuditRoutes, registerFhirAuditHooks } from './audit.routes';
export {
  AuditService,
  type AuditServiceDeps,
  type TenantChainReport,
  type TenantPurgeReport,
} from './audit.service';
export type { AuditFilter, AuditInput } from './audit.store';
