import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config';
import { AppError } from '../../platform/http';
import { allowsRoute, isKnownRouteRule } from '../access';
import { sameSecret } from './identity.crypto';
import { asFhirError, identityErrors } from './identity.errors';
import type { Principal } from './identity.schemas';
import type { IdentityService } from './identity.service';

export const SESSION_COOKIE = 'meridian_session';
export const REFRESH_COOKIE = 'meridian_refresh';
export const CSRF_COOKIE = 'meridian_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerOf(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** Cookie-authenticated changes must echo the CSRF cookie in a header (double submit). */
export function checkCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const cookie = request.cookies?.[CSRF_COOKIE];
  const header = request.headers[CSRF_HEADER];
  if (!cookie || typeof header !== 'string' || !sameSecret(cookie, header)) throw identityErrors.csrf();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `meridian` CLI on the server machine (it holds the local admin token from DATA_DIR/server.json)
 * acts as the system for the tenant it names in X-Meridian-Tenant, or the default tenant.
 */
function localCliPrincipal(request: FastifyRequest, defaultTenant: string): Principal {
  const asked = request.headers['x-meridian-tenant'];
  const tenantId = typeof asked === 'string' && UUID.test(asked) ? asked.toLowerCase() : defaultTenant;
  return {
    kind: 'client',
    subject: 'meridian-cli',
    clientId: 'meridian-cli',
    tenantId,
    roles: ['system'],
    scopes: ['system/*.*'],
    sessionId: 'local-cli',
    via: 'bearer',
  };
}

/** Another issuer of bearer tokens (the SMART provider): its caller, or undefined when the token is not its. */
export type BearerResolver = (token: string) => Promise<Principal | undefined>;

interface AuthenticationDeps {
  identity: IdentityService;
  config: Pick<Config, 'authRequired' | 'defaultTenant'>;
  localAdminToken: () => string | undefined;
}

async function resolvePrincipal(request: FastifyRequest, deps: AuthenticationDeps): Promise<Principal | undefined> {
  const { identity } = deps;
  const bearer = bearerOf(request);
  const local = deps.localAdminToken();
  if (bearer && local && sameSecret(bearer, local)) return localCliPrincipal(request, deps.config.defaultTenant);
  if (bearer) {
    for (const resolve of request.server.bearerResolvers) {
      const principal = await resolve(bearer);
      if (principal) return principal;
    }
    return identity.authenticate(bearer, 'bearer');
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) return identity.authenticate(cookie, 'cookie');
  return undefined;
}

function fail(request: FastifyRequest, reply: FastifyReply, error: AppError): never {
  if (error.status === 401) reply.header('www-authenticate', `Bearer error="invalid_token"`);
  throw request.url.startsWith('/fhir/') ? asFhirError(error) : error;
}

/**
 * Resolves the caller of every request and applies the route's declared access rule. Deny by default:
 * a route without a known rule answers 403 to everyone, and every rule but 'public' (and the CLI's
 * 'local-admin', guarded by its own token) needs a principal. With a principal, the request's tenant is
 * the token's, whatever headers say.
 */
export function registerAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest('principal', undefined);
  app.decorate('bearerResolvers', [] as BearerResolver[]);
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const rule = request.routeOptions.config?.access;
    if (!isKnownRouteRule(rule)) fail(request, reply, identityErrors.routeUndeclared());
    if (rule === 'local-admin') return;
    let principal: Principal | undefined;
    try {
      principal = await resolvePrincipal(request, deps);
    } catch (error) {
      // A stale cookie or token must not lock anyone out of public pages such as sign-in.
      if (rule === 'public') return;
      if (error instanceof AppError) fail(request, reply, error);
      throw error;
    }
    if (principal) {
      request.principal = principal;
      request.tenantId = principal.tenantId;
    }
    if (rule === 'public') return;
    if (rule === 'fhir' && !deps.config.authRequired && !principal) return;
    if (!principal) fail(request, reply, identityErrors.authRequired());
    if (principal.via === 'cookie') {
      try {
        checkCsrf(request);
      } catch (error) {
        fail(request, reply, error as AppError);
      }
    }
    if (!allowsRoute(rule!, principal.roles)) fail(request, reply, identityErrors.forbidden(rule!));
  });
}

/** Records every route as it is added, so a test can prove each one declares an access rule. */
export interface RouteRecord {
  method: string | string[];
  url: string;
  access: string | undefined;
}

export function trackRoutes(app: FastifyInstance): RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (route) => {
    // Read at ready time: other onRoute hooks (e.g. the docs' public rule) may still fill in the config.
    const record: RouteRecord = { method: route.method, url: route.url, access: undefined };
    Object.defineProperty(record, 'access', { enumerable: true, get: () => route.config?.access });
    routes.push(record);
  });
  return routes;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access rule, for the test that proves none is left undeclared. */
    routeTable: RouteRecord[];
    /** Other bearer-token issuers, asked before Meridian's own tokens are checked. */
    bearerResolvers: BearerResolver[];
  }
}
