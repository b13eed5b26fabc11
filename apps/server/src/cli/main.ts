import { Command } from 'commander';
import { registerAuditCommand } from './audit-command';
import { registerClientCommand } from './client-command';
import { registerImportCommand } from './import-command';
import { registerMigrateCommand } from './migrate-command';
import { registerTenantCommand } from './tenant-command';
import { registerTerminologyCommand } from './terminology-command';
import { registerUserCommand } from './user-command';

/** `meridian <command>`: the server's command-line tool. */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('meridian')
    .description('Meridian clinic platform: run the server and administer it')
    .showHelpAfterError();

  program
    .command('start')
    .description('Start the Meridian server (settings from the environment; see README)')
    .action(async () => {
      const { startServer } = await import('../main');
      await startServer();
    });
  registerMigrateCommand(program);
  registerImportCommand(program);
  registerUserCommand(program);
  registerTenantCommand(program);
  registerClientCommand(program);
  registerAuditCommand(program);
  registerTerminologyCommand(program);

  await program.parseAsync(argv);
}
