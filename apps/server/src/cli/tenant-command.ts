import type { Command } from 'commander';
import { loadConfig } from '../config';
import { connectToServer } from './server-connection';

/** Calls a local admin endpoint of the running server (or an in-process one) and fails loudly on errors. */
export async function adminPost<T>(path: string, body: unknown): Promise<T> {
  const connection = await connectToServer(loadConfig());
  try {
    const res = await connection.request('POST', `/admin/local/${path}`, body);
    if (res.status >= 300) {
      let detail = res.body;
      try {
        detail = res.json<{ detail?: string }>().detail ?? res.body;
      } catch {
        // Not JSON: show it as it is.
      }
      throw new Error(`${detail} (${res.status})`);
    }
    return res.json<T>();
  } finally {
    await connection.close();
  }
}

export function registerTenantCommand(program: Command): void {
  const tenant = program.command('tenant').description('Manage tenants (organisations)');
  tenant
    .command('create')
    .description('Create a tenant')
    .requiredOption('--name <name>', 'display name')
    .option('--slug <slug>', 'short name used to pick the tenant (default: from the name)')
    .option('--id <uuid>', 'tenant id (default: a new UUID)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { name: string; slug?: string; id?: string; json?: boolean }) => {
      const created = await adminPost<{ id: string; name: string; slug: string | null }>('tenants', {
        name: options.name,
        ...(options.slug ? { slug: options.slug } : {}),
        ...(options.id ? { id: options.id } : {}),
      });
      if (options.json) console.log(JSON.stringify(created));
      else console.log(`Created tenant ${created.name} (${created.id}${created.slug ? `, slug ${created.slug}` : ''})`);
    });
}
