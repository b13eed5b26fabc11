import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { AppError } from '../../platform/http';
import type { IdentityService, Principal } from '../identity';
import { registerClientBody, type SmartClients } from './smart.clients';
import { smartErrors } from './smart.errors';
import { OAUTH_PREFIX } from './smart.provider';
import { LAUNCH_SCOPES } from './smart.scopes';
import type { SmartService } from './smart.service';

const tags = ['smart'];

const launchBody = z.object({
  client_id: z.string().min(1).max(200),
  patient: z.string().min(1).max(64).optional(),
  encounter: z.string().min(1).max(64).optional(),
});

function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.join('.');
  throw smartErrors.invalidRequest(`${path ? `${path}: ` : ''}${issue.message}`, path || undefined);
}

function principalOf(request: FastifyRequest): Principal {
  return request.principal!;
}

/** The SMART configuration document (SMART App Launch 2.0, §Conformance). */
export function smartConfiguration(baseUrl: string) {
  const oauth = `${baseUrl}${OAUTH_PREFIX}`;
  return {
    issuer: oauth,
    jwks_uri: `${oauth}/jwks`,
    authorization_endpoint: `${oauth}/auth`,
    token_endpoint: `${oauth}/token`,
    registration_endpoint: `${baseUrl}/smart/clients`,
    introspection_endpoint: `${oauth}/token/introspection`,
    revocation_endpoint: `${oauth}/token/revocation`,
    userinfo_endpoint: `${oauth}/me`,
    management_endpoint: `${baseUrl}/smart/clients`,
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'RS256', 'ES256'],
    scopes_supported: [
      ...LAUNCH_SCOPES,
      'patient/*.cruds',
      'patient/*.rs',
      'patient/*.read',
      'user/*.cruds',
      'user/*.rs',
      'user/*.read',
      'system/*.cruds',
      'system/*.rs',
      'system/*.read',
    ],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-ehr',
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'sso-openid-connect',
      'context-ehr-patient',
      'context-ehr-encounter',
      'context-standalone-patient',
      'permission-offline',
      'permission-online',
      'permission-patient',
      'permission-user',
      'permission-v1',
      'permission-v2',
      'authorize-post',
    ],
  };
}

export interface SmartRoutesDeps {
  provider: Provider;
  smart: SmartService;
  clients: SmartClients;
  identity: IdentityService;
  baseUrl: string;
}

/**
 * The provider's endpoints under /oauth (handed to oidc-provider's own request handler, body unread),
 * the SMART configuration, EHR launches, and app registration for tenant admins.
 */
export function registerSmartRoutes(app: FastifyInstance, deps: SmartRoutesDeps): void {
  const { provider, smart, clients, identity } = deps;
  const callback = provider.callback();
  const handOver = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    const raw = request.raw as typeof request.raw & { originalUrl?: string; body?: unknown };
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice(OAUTH_PREFIX.length) || '/';
    if (request.body !== undefined) raw.body = request.body;
    callback(raw, reply.raw);
  };

  // oidc-provider reads its own request bodies: leave the stream alone.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.all(`${OAUTH_PREFIX}/*`, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
      handOver(request, reply),
    );
  });

  // One token endpoint for everything: Meridian's service clients (`meridian client create`, secret
  // checked by identity) get their token here too; every other request goes on to oidc-provider.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      `${OAUTH_PREFIX}/token`,
      {
        config: { access: 'public' },
        schema: { tags, summary: 'OAuth 2.0 token endpoint (authorization_code, refresh_token, client_credentials)' },
      },
      async (request, reply) => {
        const form = typeof request.body === 'string' ? parseQuery(request.body) : {};
        const basic = basicCredentials(request);
        const clientId = basic?.id ?? (typeof form.client_id === 'string' ? form.client_id : undefined);
        if (form.grant_type === 'client_credentials' && clientId?.startsWith('mc_')) {
          const secret = basic?.secret ?? (typeof form.client_secret === 'string' ? form.client_secret : undefined);
          try {
            if (!secret) throw new AppError(401, 'AUTH_INVALID_CLIENT', 'Unknown client or wrong secret');
            const tokens = await identity.clientCredentials(clientId, secret, {
              ip: request.ip,
              requestId: request.id,
            });
            return reply.header('cache-control', 'no-store').send(tokens);
          } catch (error) {
            if (error instanceof AppError && error.status === 401) {
              return reply.code(401).send({ error: 'invalid_client', error_description: error.message });
            }
            throw error;
          }
        }
        return handOver(request, reply);
      },
    );
  });

  for (const path of ['/.well-known/smart-configuration', '/fhir/R4/.well-known/smart-configuration']) {
    app.get(
      path,
      { config: { access: 'public' }, schema: { tags, summary: 'SMART App Launch configuration' } },
      async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=300').send(smartConfiguration(deps.baseUrl)),
    );
  }

  app.post(
    '/smart/launch',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Start an EHR launch: a launch id carrying the patient and encounter' },
    },
    async (request, reply) =>
      reply.code(201).send(await smart.createLaunch(request, parseWith(launchBody, request.body))),
  );

  app.post(
    '/smart/clients',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Register a SMART app or backend service' } },
    async (request, reply) => {
      const body = parseWith(registerClientBody, request.body);
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(await clients.register(principalOf(request), body, request));
    },
  );

  app.get(
    '/smart/clients',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Apps registered in your tenant' } },
    async (request) => ({ clients: await clients.list(principalOf(request).tenantId) }),
  );

  app.get<{ Params: { id: string } }>(
    '/smart/clients/:id',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'One registered app' } },
    async (request) => clients.get(principalOf(request).tenantId, request.params.id),
  );

  app.delete<{ Params: { id: string } }>(
    '/smart/clients/:id',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Unregister an app; its tokens stop at once' } },
    async (request, reply) => {
      await clients.remove(principalOf(request), request.params.id, request);
      return reply.code(204).send();
    },
  );
}

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
