import type { Command } from 'commander';
import { adminPost } from './tenant-command';

interface VerifyReport {
  ok: boolean;
  tenants: {
    tenantId: string;
    ok: boolean;
    records: number;
    problem?: { kind: string; seq: number; message: string };
  }[];
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
          console.log(
            tenant.ok
              ? `tenant ${tenant.tenantId}: ${tenant.records} records, chain intact`
              : `tenant ${tenant.tenantId}: BROKEN — ${tenant.problem?.message}`,
          );
        }
        if (!report.tenants.length) console.log('No audit records yet');
      }
      if (!report.ok) process.exitCode = 1;
    });
}
