import type { Command } from 'commander';
import { loadConfig } from '../config';
import { connectToServer } from './server-connection';

interface SchemaStatus {
  engine: string;
  current: number;
  latest: number;
  applied: { version: number; name: string }[];
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (the server also applies them at boot) and show the schema version')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const connection = await connectToServer(loadConfig());
      try {
        const res = await connection.request('POST', '/admin/local/migrate');
        if (res.status !== 200) throw new Error(`Migration failed (${res.status}): ${res.body}`);
        const status = res.json<SchemaStatus>();
        if (options.json) {
          console.log(JSON.stringify(status));
        } else {
          console.log(
            status.applied.length
              ? `Applied ${status.applied.map((m) => `${m.version}_${m.name}`).join(', ')}`
              : 'No pending migrations',
          );
          console.log(`Schema version ${status.current} of ${status.latest} on ${status.engine}`);
        }
      } finally {
        await connection.close();
      }
    });
}
