import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../../platform/http';
import { CSRF_COOKIE, CSRF_HEADER, checkCsrf, REFRESH_COOKIE, SESSION_COOKIE } from './identity.authenticate';
import { randomToken } from './identity.crypto';
import { identityErrors } from './identity.errors';
import {
  changePasswordBody,
  createClientBody,
  createTenantBody,
  createUserBody,
  introspectBody,
  loginBody,
  type Principal,
  refreshBody,
  switchTenantBody,
  tokenRequest,
  totpCodeBody,
} from './identity.schemas';
import type { IdentityService, RequestMeta, TokenSet } from './identity.service';

export function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw identityErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}

export function metaOf(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, requestId: request.id };
}

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw identityErrors.authRequired();
  return request.principal;
}

// OAuth clients read `error` (RFC 6749 §5.2); the problem body keeps Meridian's code beside it.
const OAUTH_ERRORS: Record<string, string> = {
  AUTH_INVALID_CLIENT: 'invalid_client',
  AUTH_REFRESH_INVALID: 'invalid_grant',
  AUTH_REFRESH_REUSED: 'invalid_grant',
  AUTH_UNSUPPORTED_GRANT: 'unsupported_grant_type',
  IDENTITY_INVALID_REQUEST: 'invalid_request',
};

function asOAuthError(error: unknown): unknown {
  if (!(error instanceof AppError) || !OAUTH_ERRORS[error.code]) return error;
  return new AppError(error.status, error.code, error.message, { ...error.details, error: OAUTH_ERRORS[error.code] });
}

function withRetryAfter(reply: FastifyReply, error: unknown): unknown {
  if (error instanceof AppError && error.code === 'AUTH_ACCOUNT_LOCKED') {
    reply.header('retry-after', String(error.details?.retryAfterSeconds ?? 60));
  }
  return error;
}

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

export interface CookieSettings {
  secure: boolean;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

function setSessionCookies(reply: FastifyReply, tokens: TokenSet, cookies: CookieSettings): string {
  const csrf = randomToken(24);
  const base = { secure: cookies.secure, sameSite: 'lax' as const };
  reply.setCookie(SESSION_COOKIE, tokens.access_token, {
    ...base,
    httpOnly: true,
    path: '/',
    maxAge: cookies.accessTtlSeconds,
  });
  if (tokens.refresh_token) {
    reply.setCookie(REFRESH_COOKIE, tokens.refresh_token, {
      ...base,
      httpOnly: true,
      path: '/auth',
      maxAge: cookies.refreshTtlSeconds,
    });
  }
  // Readable by the page's script, which echoes it in X-CSRF-Token; another site can neither read nor set it.
  reply.setCookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false, path: '/', maxAge: cookies.refreshTtlSeconds });
  return csrf;
}

function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/auth' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

function cookieAnswer(tokens: TokenSet, csrf: string) {
  return {
    tenant: tokens.tenant,
    expires_in: tokens.expires_in,
    csrf_token: csrf,
    csrf_header: CSRF_HEADER,
    ...(tokens.password_change_required ? { password_change_required: true } : {}),
  };
}

const tags = ['identity'];

/** Sign-in, tokens, sessions and two-factor (`/auth/*`), accounts (`/identity/*`) and the JWKS. */
export function registerIdentityRoutes(app: FastifyInstance, identity: IdentityService, cookies: CookieSettings): void {
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    scope.get(
      '/.well-known/jwks.json',
      { config: { access: 'public' }, schema: { tags, summary: 'Public keys that verify Meridian access tokens' } },
      async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(identity.jwks()),
    );

    scope.post(
      '/auth/login',
      { config: { access: 'public' }, schema: { tags, summary: 'Sign in with email and password (and TOTP)' } },
      async (request, reply) => {
        const body = parseWith(loginBody, request.body);
        try {
          const tokens = await identity.login(body, metaOf(request));
          reply.header('cache-control', 'no-store');
          if (body.session === 'cookie') return cookieAnswer(tokens, setSessionCookies(reply, tokens, cookies));
          return tokens;
        } catch (error) {
          throw withRetryAfter(reply, error);
        }
      },
    );

    scope.post(
      '/auth/token',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'OAuth 2.0 token endpoint: client_credentials and refresh_token grants' },
      },
      async (request, reply) => {
        try {
          const raw = (request.body ?? {}) as Record<string, unknown>;
          const grant = raw.grant_type;
          if (grant !== 'client_credentials' && grant !== 'refresh_token') {
            throw identityErrors.unsupportedGrant(String(grant ?? '(none)'));
          }
          const body = parseWith(tokenRequest, raw);
          reply.header('cache-control', 'no-store');
          if (body.grant_type === 'refresh_token') return await identity.refresh(body.refresh_token, metaOf(request));
          const basic = basicCredentials(request);
          const id = basic?.id ?? body.client_id;
          const secret = basic?.secret ?? body.client_secret;
          if (!id || !secret) throw identityErrors.invalidClient();
          return await identity.clientCredentials(id, secret, metaOf(request));
        } catch (error) {
          throw asOAuthError(error);
        }
      },
    );

    scope.post(
      '/auth/refresh',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'Swap a refresh token (body or cookie) for new tokens' },
      },
      async (request, reply) => {
        const body = parseWith(refreshBody, request.body);
        const fromCookie = !body.refresh_token ? request.cookies?.[REFRESH_COOKIE] : undefined;
        if (fromCookie) checkCsrf(request);
        const token = body.refresh_token ?? fromCookie;
        if (!token) throw identityErrors.refreshInvalid();
        reply.header('cache-control', 'no-store');
        try {
          const tokens = await identity.refresh(token, metaOf(request));
          if (fromCookie) return cookieAnswer(tokens, setSessionCookies(reply, tokens, cookies));
          return tokens;
        } catch (error) {
          if (fromCookie) clearSessionCookies(reply);
          throw error;
        }
      },
    );

    scope.post(
      '/auth/logout',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'End this sign-in: every token of it stops working' },
      },
      async (request, reply) => {
        await identity.logout(principalOf(request), metaOf(request));
        clearSessionCookies(reply);
        return reply.code(204).send();
      },
    );

    scope.post(
      '/auth/introspect',
      { config: { access: 'authenticated' }, schema: { tags, summary: 'RFC 7662 token introspection' } },
      async (request) => {
        const body = parseWith(introspectBody, request.body);
        return identity.introspect(principalOf(request), body.token);
      },
    );

    scope.get(
      '/auth/me',
      { config: { access: 'authenticated' }, schema: { tags, summary: 'Who the caller is' } },
      async (request) => identity.whoAmI(principalOf(request)),
    );

    scope.get(
      '/auth/tenants',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'The tenants you belong to, the current one marked' },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return { tenants: await identity.tenantSwitch.tenants(principalOf(request)) };
      },
    );

    scope.post(
      '/auth/switch-tenant',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Move your sign-in to another of your tenants (with a TOTP code when you use two-factor)',
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const body = parseWith(switchTenantBody, request.body);
        try {
          const tokens = await identity.tenantSwitch.switchTo(principal, body, metaOf(request));
          reply.header('cache-control', 'no-store');
          // A browser's sign-in stays in cookies (the old ones are replaced); a bearer caller gets tokens.
          if (principal.via === 'cookie') return cookieAnswer(tokens, setSessionCookies(reply, tokens, cookies));
          return tokens;
        } catch (error) {
          throw withRetryAfter(reply, error);
        }
      },
    );

    scope.post(
      '/auth/password',
      { config: { access: 'authenticated' }, schema: { tags, summary: 'Change your password' } },
      async (request, reply) => {
        const body = parseWith(changePasswordBody, request.body);
        await identity.changePassword(principalOf(request), body.currentPassword, body.newPassword, metaOf(request));
        return reply.code(204).send();
      },
    );

    scope.post(
      '/auth/mfa/totp',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Start TOTP enrolment: secret, otpauth URI, QR code' },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return identity.twoFactor.start(principalOf(request));
      },
    );

    scope.post(
      '/auth/mfa/totp/verify',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Confirm TOTP enrolment; returns recovery codes once' },
      },
      async (request, reply) => {
        const body = parseWith(totpCodeBody, request.body);
        reply.header('cache-control', 'no-store');
        return identity.twoFactor.confirm(principalOf(request), body.code, metaOf(request));
      },
    );

    scope.post<{ Params: { id: string } }>(
      '/auth/users/:id/mfa/reset',
      { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Turn off a member’s two-factor sign-in' } },
      async (request, reply) => {
        await identity.twoFactor.reset(principalOf(request), request.params.id, metaOf(request));
        return reply.code(204).send();
      },
    );

    scope.post<{ Params: { id: string } }>(
      '/auth/users/:id/sessions/revoke',
      { config: { access: 'tenant-admin' }, schema: { tags, summary: 'End every sign-in of a member at once' } },
      async (request) => ({
        revoked: await identity.revokeUserSessions(principalOf(request), request.params.id, metaOf(request)),
      }),
    );

    scope.post(
      '/identity/tenants',
      { config: { access: 'super-admin' }, schema: { tags, summary: 'Create a tenant' } },
      async (request, reply) =>
        reply.code(201).send(await identity.accounts.createTenant(parseWith(createTenantBody, request.body))),
    );

    scope.post(
      '/identity/users',
      { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Create a user (or add a role to one)' } },
      async (request, reply) => {
        const body = parseWith(createUserBody, request.body);
        await checkAdminScope(identity, principalOf(request), body.tenant, body.role);
        const created = await identity.accounts.createUser(body);
        reply.header('cache-control', 'no-store');
        return reply.code(created.existing ? 200 : 201).send(created);
      },
    );

    scope.post(
      '/identity/clients',
      { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Create a service client (client credentials)' } },
      async (request, reply) => {
        const body = parseWith(createClientBody, request.body);
        await checkAdminScope(identity, principalOf(request), body.tenant, body.role);
        reply.header('cache-control', 'no-store');
        return reply.code(201).send(await identity.createClient(body));
      },
    );
  });
}

/** Tenant admins manage their own tenant and cannot hand out super admin; super admins manage any. */
async function checkAdminScope(identity: IdentityService, admin: Principal, tenant: string, role: string) {
  if (admin.roles.includes('super_admin')) return;
  const target = await identity.accounts.resolveTenant(tenant);
  if (target.id !== admin.tenantId || role === 'super_admin') throw identityErrors.forbidden('tenant-admin');
}
