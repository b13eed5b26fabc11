import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { type Config, publicBaseUrl } from '../../config';
import type { Database } from '../../platform/db';
import { registerLocalAdmin } from '../../platform/local-admin';
import type { AuditService } from '../audit';
import { registerIdentityAdminRoutes } from './identity.admin-routes';
import { registerAuthentication } from './identity.authenticate';
import { SecretBox } from './identity.crypto';
import { KeyRing } from './identity.keys';
import { parseWith, registerIdentityRoutes } from './identity.routes';
import { createClientBody, createTenantBody, createUserBody } from './identity.schemas';
import { IdentityService } from './identity.service';

export interface IdentityModuleOptions {
  config: Config;
  db: Database;
  audit: AuditService;
  now?: (() => Date) | undefined;
  /** The CLI's token for /admin/local routes. */
  localAdminToken: () => string | undefined;
  /** Where the first super admin's one-time password is shown; the console by default. */
  announceFirstAdmin?: (admin: { email: string; password: string }) => void;
}

/**
 * Wires identity into the app: cookies, the authentication hook that applies every route's access rule,
 * the sign-in and account routes, the CLI's admin routes, and the first super admin on an empty database.
 */
export async function registerIdentityModule(
  app: FastifyInstance,
  options: IdentityModuleOptions,
): Promise<IdentityService> {
  const { config, db } = options;
  const now = options.now ?? (() => new Date());
  await app.register(fastifyCookie);
  const box = new SecretBox(config.secretsEncryptionKey);
  const keys = new KeyRing({
    db,
    box,
    now,
    rotationDays: config.signingKeyRotationDays,
    tokenTtlSeconds: config.accessTokenTtlSeconds,
    issuer: publicBaseUrl(config),
  });
  await keys.start();
  const identity = new IdentityService({ db, config, audit: options.audit, keys, box, now });

  registerAuthentication(app, { identity, config, localAdminToken: options.localAdminToken });
  registerIdentityRoutes(app, identity, {
    secure: publicBaseUrl(config).startsWith('https:'),
    accessTtlSeconds: config.accessTokenTtlSeconds,
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
  });
  registerIdentityAdminRoutes(app, { db, audit: options.audit, identity, now });
  registerLocalAdmin(app, options.localAdminToken, (admin) => {
    // The CLI sends its bodies as JSON under the FHIR media type.
    admin.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    const local = { config: { access: 'local-admin' } };
    admin.post('/tenants', local, async (request, reply) =>
      reply.code(201).send(await identity.accounts.createTenant(parseWith(createTenantBody, request.body))),
    );
    admin.post('/users', local, async (request, reply) => {
      const created = await identity.accounts.createUser(parseWith(createUserBody, request.body));
      return reply.code(created.existing ? 200 : 201).send(created);
    });
    admin.post('/clients', local, async (request, reply) =>
      reply.code(201).send(await identity.createClient(parseWith(createClientBody, request.body))),
    );
    admin.post('/keys/rotate', local, async () => ({ kid: await identity.rotateKeys() }));
  });

  if (config.bootstrapAdmin) {
    const first = await identity.accounts.bootstrap();
    if (first) (options.announceFirstAdmin ?? printFirstAdmin)(first);
  }
  return identity;
}

/** Printed once, to the console and not the JSON logs, so the password never sits in a log store. */
function printFirstAdmin(admin: { email: string; password: string }): void {
  const lines = [
    '',
    '  Meridian first start: a super admin was created for the default tenant.',
    `    email:    ${admin.email}`,
    `    password: ${admin.password}`,
    '  This password is shown only now and must be changed at first sign-in.',
    '',
  ];
  // stderr: a command's stdout stays clean for --json.
  process.stderr.write(`${lines.join('\n')}\n`);
}
