import type { FastifyInstance } from 'fastify';
import { type Config, publicBaseUrl } from '../../config';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { type IdentityService, SecretBox } from '../identity';
import { SmartClients } from './smart.clients';
import { registerExternalSignIn } from './smart.external';
import { registerInteractionRoutes } from './smart.interaction';
import { createProvider } from './smart.provider';
import { registerSmartRoutes } from './smart.routes';
import { SmartService } from './smart.service';

export interface SmartModuleOptions {
  config: Config;
  db: Database;
  audit: AuditService;
  identity: IdentityService;
  fhir: FhirServices;
  now?: (() => Date) | undefined;
}

/**
 * SMART on FHIR: the OAuth 2.0 / OpenID Connect provider (oidc-provider) under /oauth, its sign-in and
 * consent pages, EHR launches, app registration, optional external OpenID Connect sign-in, and the
 * bridge that lets the FHIR API accept the provider's access tokens.
 */
export async function registerSmartModule(app: FastifyInstance, options: SmartModuleOptions) {
  const { config, db, audit, identity, fhir } = options;
  const now = options.now ?? (() => new Date());
  const baseUrl = publicBaseUrl(config);
  const box = new SecretBox(config.secretsEncryptionKey);
  const provider = await createProvider({
    db,
    box,
    now,
    baseUrl,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    rotationDays: config.signingKeyRotationDays,
    onServerError: (error) => {
      app.log.error({ err: { message: error.message, stack: error.stack } }, 'OAuth provider error');
    },
  });
  const smart = new SmartService({
    db,
    identity,
    audit,
    fhir,
    provider,
    now,
    launchTtlSeconds: config.smartLaunchTtlSeconds,
  });
  const clients = new SmartClients({ db, box, audit, provider, now });
  app.bearerResolvers.push((token) => smart.principalOf(token));
  // An admin ending a user's sign-ins (or deactivating them) ends their apps' grants in that tenant too.
  // Signing out of Meridian does not: apps keep the offline access the user gave them.
  identity.onAccountRevoked(async (tenantId, userId) => {
    const ended = await smart.revokeAccount(tenantId, userId);
    if (ended) app.log.info({ tenantId, ended }, 'SMART grants of a revoked account ended');
  });

  registerSmartRoutes(app, { provider, smart, clients, identity, baseUrl });
  // The sign-in pages post plain HTML forms; their handlers read the body themselves.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (_request, body, done) => done(null, body),
    );
    const external = registerExternalSignIn(scope, { config, db, provider, identity, audit, baseUrl });
    registerInteractionRoutes(scope, {
      provider,
      identity,
      smart,
      fhir,
      audit,
      fhirBase: `${baseUrl}/fhir/R4`,
      ...(external ? { external } : {}),
    });
  });
  return { provider, smart, clients };
}
