import type { Command } from 'commander';
import { adminPost } from './tenant-command';

interface CreatedUser {
  id: string;
  email: string;
  tenantId: string;
  role: string;
  password?: string;
  existing: boolean;
}

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user with a role in a tenant (or add the role to an existing user)')
    .requiredOption('--tenant <tenant>', 'tenant id or slug')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption(
      '--role <role>',
      'super_admin, tenant_admin, physician, nurse, front_desk, billing, pharmacist, patient or system',
    )
    .option('--name <name>', 'display name')
    .option('--fhir-user <reference>', 'the FHIR resource the user is, e.g. Patient/<id> or Practitioner/<id>')
    .option('--password-stdin', 'read the password from standard input (default: generate a one-time password)')
    .option('--json', 'print the result as JSON')
    .action(
      async (options: {
        tenant: string;
        email: string;
        role: string;
        name?: string;
        fhirUser?: string;
        passwordStdin?: boolean;
        json?: boolean;
      }) => {
        // Never a --password flag: it would sit in the shell history and the process list.
        const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
        const created = await adminPost<CreatedUser>('users', {
          tenant: options.tenant,
          email: options.email,
          role: options.role,
          ...(options.name ? { name: options.name } : {}),
          ...(options.fhirUser ? { fhirUser: options.fhirUser } : {}),
          ...(password !== undefined ? { password } : {}),
        });
        if (options.json) {
          console.log(JSON.stringify(created));
          return;
        }
        console.log(
          created.existing
            ? `Gave ${created.email} the role ${created.role} in tenant ${created.tenantId}`
            : `Created ${created.email} (${created.id}) as ${created.role} in tenant ${created.tenantId}`,
        );
        if (created.password) {
          console.log(`One-time password (shown once; must be changed at first sign-in): ${created.password}`);
        }
      },
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
