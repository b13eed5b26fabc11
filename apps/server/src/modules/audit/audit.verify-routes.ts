import type { FastifyInstance } from 'fastify';
import type { AuditService } from './audit.service';

/**
 * `GET /audit/verify`: recomputes the caller's tenant's audit chain and says whether it is intact, for the
 * admin console's chain status. Only the caller's own tenant: other tenants' chains are the CLI's business.
 */
export function registerAuditVerifyRoutes(app: FastifyInstance, audit: AuditService, now = () => new Date()): void {
  app.get(
    '/audit/verify',
    {
      config: { access: 'audit-read' },
      schema: { tags: ['audit'], summary: 'Whether the caller’s tenant audit chain is intact, and where it breaks' },
    },
    async (request, reply) => {
      const [report] = await audit.verify(request.tenantId);
      reply.header('cache-control', 'no-store');
      // The report's own details (record count, where a break is, ...) pass through as they are.
      const { tenantId: _tenant, ok, ...details } = report ?? { tenantId: request.tenantId, ok: true, records: 0 };
      return {
        tenantId: request.tenantId,
        status: ok ? 'verified' : 'broken',
        ...details,
        checkedAt: now().toISOString(),
      };
    },
  );
}
