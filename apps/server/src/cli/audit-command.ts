import type { Command } from 'commander';
import { adminPost } from './tenant-command';

interface VerifyReport {
  ok: boolean;
  tenants: {
    tenantId: string;
    ok: boolean;
    records: number;
    staged: number;
    purgedTo?: number;
    keyedFrom?: number;
    problem?: { kind: string; seq: number; message: string };
  }[];
}

interface PurgeReport {
  removed: number;
  tenants: { tenantId: string; removed: number; throughSeq?: number; dryRun: boolean }[];
}

export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('The audit trail');
  audit
    .command('verify')
    .description('Recompute the hash chain and report the first record that was altered, deleted or reordered')
    .option('--tenant <uuid>', 'only this tenant')
    .option('--json', 'print the report as JSON')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const query = options.tenant ? `?tenant=${encodeURIComponent(options.tenant)}` : '';
      const report = await adminPost<VerifyReport>(`audit/verify${query}`, undefined);
      if (options.json) {
        console.log(JSON.stringify(report));
      } else {
        for (const tenant of report.tenants) {
          const notes = [
            tenant.purgedTo ? `starts after purged record ${tenant.purgedTo}` : '',
            tenant.staged ? `${tenant.staged} staged but not yet chained` : '',
          ]
            .filter(Boolean)
            .join('; ');
          console.log(
            tenant.ok
              ? `tenant ${tenant.tenantId}: ${tenant.records} records, chain intact${notes ? ` (${notes})` : ''}`
              : `tenant ${tenant.tenantId}: BROKEN — ${tenant.problem?.message}${notes ? ` (${notes})` : ''}`,
          );
        }
        if (!report.tenants.length) console.log('No audit records yet');
      }
      if (!report.ok) process.exitCode = 1;
    });
  audit
    .command('purge')
    .description(
      'Remove audit records older than AUDIT_RETENTION_DAYS, leaving a keyed checkpoint so the rest still verifies',
    )
    .option('--tenant <uuid>', 'only this tenant')
    .option('--dry-run', 'only count what would be removed')
    .option('--json', 'print the report as JSON')
    .action(async (options: { tenant?: string; dryRun?: boolean; json?: boolean }) => {
      const query = new URLSearchParams();
      if (options.tenant) query.set('tenant', options.tenant);
      if (options.dryRun) query.set('dryRun', 'true');
      const suffix = query.size ? `?${query}` : '';
      const report = await adminPost<PurgeReport>(`audit/purge${suffix}`, undefined);
      if (options.json) {
        console.log(JSON.stringify(report));
        return;
      }
      for (const tenant of report.tenants) {
        if (!tenant.removed) continue;
        console.log(
          `tenant ${tenant.tenantId}: ${tenant.dryRun ? 'would remove' : 'removed'} ${tenant.removed} records (through ${tenant.throughSeq})`,
        );
      }
      console.log(`${options.dryRun ? 'Would remove' : 'Removed'} ${report.removed} expired records in all`);
    });
}
