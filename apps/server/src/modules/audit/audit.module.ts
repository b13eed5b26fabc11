import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db';
import { registerLocalAdmin } from '../../platform/local-admin';
import { auditErrors } from './audit.errors';
import { registerAuditRoutes, registerFhirAuditHooks } from './audit.routes';
import { AuditService } from './audit.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuditModuleOptions {
  db: Database;
  now?: (() => Date) | undefined;
  localAdminToken: () => string | undefined;
}

/** The audit trail: the FHIR interaction hooks, the query API, and `meridian audit verify`'s route. */
export function registerAuditModule(app: FastifyInstance, options: AuditModuleOptions): AuditService {
  const audit = new AuditService({ db: options.db, ...(options.now ? { now: options.now } : {}) });
  registerFhirAuditHooks(app, audit);
  registerAuditRoutes(app, audit);
  registerLocalAdmin(app, options.localAdminToken, (admin) => {
    admin.post<{ Querystring: { tenant?: string } }>(
      '/audit/verify',
      { config: { access: 'local-admin' } },
      async (request) => {
        const tenant = request.query.tenant;
        if (tenant !== undefined && !UUID.test(tenant))
          throw auditErrors.invalidQuery('tenant must be a tenant id', 'tenant');
        const tenants = await audit.verify(tenant?.toLowerCase());
        return { ok: tenants.every((report) => report.ok), tenants };
      },
    );
  });
  return audit;
}
