import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db';
import { registerLocalAdmin } from '../../platform/local-admin';
import { auditErrors } from './audit.errors';
import { registerAuditSendHook, registerRequestAuditScope } from './audit.http';
import { registerAuditReports } from './audit.reports';
import { registerAuditRoutes, registerFhirAuditHooks } from './audit.routes';
import { AuditService } from './audit.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AuditModuleOptions {
  db: Database;
  now?: (() => Date) | undefined;
  localAdminToken: () => string | undefined;
  /** The deployment's audit key (see audit.key.ts). */
  key: Buffer;
  retentionDays: number;
  /** How often staged records left behind (a crash) are chained; 0 turns the sweeper off. */
  sweepIntervalMs?: number;
  /** How often expired records are purged; 0 turns the daily purge off. */
  purgeIntervalMs?: number;
}

const DAY_MS = 24 * 3600 * 1000;

function tenantOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!UUID.test(value)) throw auditErrors.invalidQuery('tenant must be a tenant id', 'tenant');
  return value.toLowerCase();
}

/**
 * The audit trail: the request scope and FHIR interaction hooks, the query and report APIs, the local
 * CLI's verify and purge, and the background sweeper and daily purge.
 */
export async function registerAuditModule(app: FastifyInstance, options: AuditModuleOptions): Promise<AuditService> {
  const audit = new AuditService({
    db: options.db,
    key: options.key,
    retentionDays: options.retentionDays,
    ...(options.now ? { now: options.now } : {}),
    log: app.log,
  });
  // Chains begun before the key get their keyed-from checkpoint before anything is appended.
  await audit.keyLegacyChains();
  registerRequestAuditScope(app);
  registerFhirAuditHooks(app, audit);
  registerAuditSendHook(app, audit);
  registerAuditRoutes(app, audit);
  registerAuditReports(app, audit);
  registerLocalAdmin(app, options.localAdminToken, (admin) => {
    admin.post<{ Querystring: { tenant?: string } }>(
      '/audit/verify',
      { config: { access: 'local-admin' } },
      async (request) => {
        const tenants = await audit.verify(tenantOf(request.query.tenant));
        return { ok: tenants.every((report) => report.ok), tenants };
      },
    );
    admin.post<{ Querystring: { tenant?: string; dryRun?: string } }>(
      '/audit/purge',
      { config: { access: 'local-admin' } },
      async (request) => {
        const tenantId = tenantOf(request.query.tenant);
        const tenants = await audit.purge({
          ...(tenantId ? { tenantId } : {}),
          dryRun: request.query.dryRun === 'true',
        });
        return { removed: tenants.reduce((sum, report) => sum + report.removed, 0), tenants };
      },
    );
  });
  startBackground(app, audit, options);
  return audit;
}

/** The sweeper (at start, then periodically) and the daily purge, both stopped when the app closes. */
function startBackground(app: FastifyInstance, audit: AuditService, options: AuditModuleOptions): void {
  const timers: NodeJS.Timeout[] = [];
  const sweepEvery = options.sweepIntervalMs ?? 30_000;
  const purgeEvery = options.purgeIntervalMs ?? DAY_MS;
  const sweep = () =>
    audit.sweep().catch((error: Error) => app.log.warn({ err: { message: error.message } }, 'audit sweep failed'));
  const purge = async () => {
    try {
      const reports = await audit.purge();
      const removed = reports.reduce((sum, report) => sum + report.removed, 0);
      if (removed) app.log.info({ removed }, 'expired audit records purged');
    } catch (error) {
      app.log.warn({ err: { message: (error as Error).message } }, 'audit purge failed');
    }
  };
  app.addHook('onReady', async () => {
    if (sweepEvery > 0) {
      void sweep();
      timers.push(setInterval(sweep, sweepEvery).unref());
    }
    // The first purge a minute after start, so a restart loop does not purge on every boot.
    if (purgeEvery > 0) {
      timers.push(setTimeout(purge, Math.min(60_000, purgeEvery)).unref());
      timers.push(setInterval(purge, purgeEvery).unref());
    }
  });
  app.addHook('onClose', async () => {
    for (const timer of timers) clearInterval(timer);
    // Accesses answered before the close are chained before the database goes (onClose runs after the
    // last request is answered); whatever cannot be stays staged for the sweeper of the next start.
    await audit.settled();
  });
}
