import type { Command } from 'commander';
import { adminPost } from './tenant-command';

export function registerClientCommand(program: Command): void {
  const client = program.command('client').description('Manage service clients (scripts, integrations)');
  client
    .command('create')
    .description('Create a service client for the client-credentials grant at POST /auth/token')
    .requiredOption('--tenant <tenant>', 'tenant id or slug')
    .requiredOption('--name <name>', 'what the client is for')
    .option('--role <role>', 'role its tokens carry', 'system')
    .option('--json', 'print {"client_id", "client_secret"} as JSON')
    .action(async (options: { tenant: string; name: string; role: string; json?: boolean }) => {
      const created = await adminPost<{ client_id: string; client_secret: string; tenant_id: string }>('clients', {
        tenant: options.tenant,
        name: options.name,
        role: options.role,
      });
      if (options.json) {
        console.log(JSON.stringify({ client_id: created.client_id, client_secret: created.client_secret }));
        return;
      }
      console.log(`client_id:     ${created.client_id}`);
      console.log(`client_secret: ${created.client_secret}`);
      console.log('The secret is shown only now. Get a token with:');
      console.log('  POST /auth/token  grant_type=client_credentials&client_id=...&client_secret=...');
    });
}
