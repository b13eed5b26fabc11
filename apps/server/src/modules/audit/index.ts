export {
  type AuditOutcome,
  type AuditRecord,
  type ChainProblem,
  canonicalAuditContent,
  GENESIS_HASH,
  hashAuditRecord,
} from './audit.chain';
export { AUDIT_ERROR_CODES, auditErrors } from './audit.errors';
export { auditBundle, auditCsv, toAuditEvent } from './audit.fhir';
export { type AuditModuleOptions, registerAuditModule } from './audit.module';
export { fhirInteraction, registerAuditRoutes, registerFhirAuditHooks } from './audit.routes';
export { AuditService, type AuditServiceDeps, type TenantChainReport } from './audit.service';
export type { AuditFilter, AuditInput } from './audit.store';
