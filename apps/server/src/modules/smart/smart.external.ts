import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import * as oidc from 'openid-client';
import type { Config } from '../../config';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { type IdentityService, isRole, type Role } from '../identity';
import { smartErrors } from './smart.errors';
import type { ClientMetadata } from './smart.provider';
import { INTERACTION_PREFIX } from './smart.provider';
import * as store from './smart.store';

const PENDING_MODEL = 'ExternalSignIn';
const PENDING_TTL_SECONDS = 600;

/** `doctors=physician,it-admins=tenant_admin` (or a JSON object) → claim value → Meridian role. */
export function parseRoleMap(text: string): Map<string, Role> {
  const map = new Map<string, Role>();
  const trimmed = text.trim();
  if (!trimmed) return map;
  const pairs: [string, unknown][] = trimmed.startsWith('{')
    ? Object.entries(JSON.parse(trimmed) as Record<string, unknown>)
    : trimmed.split(',').map((pair) => {
        const at = pair.lastIndexOf('=');
        return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      });
  for (const [value, role] of pairs) {
    if (!value || !isRole(role))
      throw new Error(`OIDC_ROLE_MAP: '${value}=${String(role)}' does not name a Meridian role`);
    if (role === 'super_admin') throw new Error('OIDC_ROLE_MAP: an external provider cannot grant super_admin');
    map.set(value, role);
  }
  return map;
}

/** The roles a set of claims maps to, reading the claim at a dotted path (string or array of strings). */
export function mapRoles(claims: Record<string, unknown>, claimPath: string, map: Map<string, Role>): Role[] {
  let value: unknown = claims;
  for (const part of claimPath.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  const values = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return [...new Set(values.map((entry) => map.get(entry)).filter((role): role is Role => !!role))];
}

export interface ExternalSignInDeps {
  config: Config;
  db: Database;
  provider: Provider;
  identity: IdentityService;
  audit: AuditService;
  baseUrl: string;
}

/**
 * Sign-in through an external OpenID Connect provider (found by discovery) during a SMART authorization:
 * authorization code with PKCE through `openid-client`, the user's roles mapped from a claim, the user
 * provisioned in the app's tenant on first sign-in (with the mapped roles), and the authorization resumed.
 */
export function registerExternalSignIn(
  app: FastifyInstance,
  deps: ExternalSignInDeps,
): { name: string; startUrl: (uid: string) => string } | undefined {
  const { config, db, provider, identity, audit } = deps;
  if (!config.oidcIssuerUrl || !config.oidcClientId) return undefined;
  const roleMap = parseRoleMap(config.oidcRoleMap);
  const redirectUri = `${deps.baseUrl}/smart/external/callback`;
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= (async () => {
      const issuer = new URL(config.oidcIssuerUrl!);
      const insecure = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      return oidc.discovery(issuer, config.oidcClientId!, config.oidcClientSecret, undefined, {
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    })().catch((error) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };

  app.get<{ Querystring: { uid?: string } }>(
    '/smart/external/start',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const uid = request.query.uid;
      if (!uid || !/^[A-Za-z0-9_-]{10,100}$/.test(uid)) throw smartErrors.invalidRequest('uid: missing', 'uid');
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const expiresAt = new Date(Date.now() + PENDING_TTL_SECONDS * 1000).toISOString();
      await db.asOwner((q) =>
        store.upsertEntity(q, {
          model: PENDING_MODEL,
          id: state,
          payload: JSON.stringify({ uid, verifier, nonce }),
          expiresAt,
        }),
      );
      let url: URL;
      try {
        url = oidc.buildAuthorizationUrl(await configuration(), {
          redirect_uri: redirectUri,
          scope: 'openid email profile',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
      } catch (error) {
        request.log.warn({ err: (error as Error).message }, 'external OpenID Connect discovery failed');
        throw smartErrors.externalFailed('the provider cannot be reached');
      }
      return reply.code(303).header('location', url.href).send();
    },
  );

  // The provider returns here (the one redirect URI registered there); the browser then goes on to the
  // interaction's own path, where its interaction cookie is sent.
  app.get<{ Querystring: Record<string, string> }>(
    '/smart/external/callback',
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const state = request.query.state ?? '';
      const row = await db.asOwner((q) => store.findEntity(q, PENDING_MODEL, state));
      if (!row || (row.expires_at && new Date(row.expires_at) <= new Date()))
        throw smartErrors.externalFailed('unknown or expired state');
      const pending = JSON.parse(row.payload) as { uid: string };
      const query = new URLSearchParams(request.query).toString();
      return reply.code(303).header('location', `${INTERACTION_PREFIX}/${pending.uid}/external?${query}`).send();
    },
  );

  app.get<{ Params: { uid: string }; Querystring: Record<string, string> }>(
    `${INTERACTION_PREFIX}/:uid/external`,
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const state = request.query.state ?? '';
      const row = await db.asOwner(async (q) => {
        const found = await store.findEntity(q, PENDING_MODEL, state);
        await store.destroyEntity(q, PENDING_MODEL, state);
        return found;
      });
      const pending = row ? (JSON.parse(row.payload) as { uid: string; verifier: string; nonce: string }) : undefined;
      if (!pending || pending.uid !== request.params.uid) throw smartErrors.externalFailed('unknown or expired state');
      const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => undefined);
      if (!details || details.uid !== pending.uid)
        throw smartErrors.interactionExpired('This sign-in has expired; start again from the app');
      const client = (await provider.Client.find(String(details.params.client_id))) as unknown as
        | ClientMetadata
        | undefined;
      if (!client) throw smartErrors.interactionExpired('The app is no longer registered');
      const tenantId = client.tenant_id;
      const fail = async (why: string): Promise<never> => {
        await audit.record({
          tenantId,
          action: 'login-failed',
          outcome: 'failure',
          detail: `external-oidc ${why}`,
          ip: request.ip,
          requestId: request.id,
        });
        throw smartErrors.externalFailed(why);
      };
      let claims: Record<string, unknown>;
      try {
        const current = new URL(`${redirectUri}?${new URLSearchParams(request.query).toString()}`);
        const tokens = await oidc.authorizationCodeGrant(await configuration(), current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = { ...(tokens.claims() ?? {}) };
        if (!claims.email || mapRoles(claims, config.oidcRoleClaim, roleMap).length === 0) {
          const info = await oidc.fetchUserInfo(await configuration(), tokens.access_token, String(claims.sub));
          claims = { ...info, ...claims, ...(claims.email ? {} : { email: info.email }) };
          for (const [key, value] of Object.entries(info)) claims[key] ??= value;
        }
      } catch (error) {
        request.log.warn({ err: (error as Error).message }, 'external OpenID Connect sign-in failed');
        return fail('the provider did not confirm the sign-in');
      }
      const email = typeof claims.email === 'string' ? claims.email : undefined;
      if (!email || claims.email_verified === false) return fail('no verified email');
      const roles = mapRoles(claims, config.oidcRoleClaim, roleMap);
      if (!roles.length) return fail('no mapped role');
      let userId: string | undefined;
      for (const role of roles) {
        const created = await identity.accounts.createUser({
          tenant: tenantId,
          email,
          role,
          name: typeof claims.name === 'string' ? claims.name : undefined,
        });
        userId = created.id;
      }
      await audit.record({
        tenantId,
        action: 'login',
        outcome: 'success',
        userId,
        roles,
        detail: 'external-oidc',
        ip: request.ip,
        requestId: request.id,
      });
      const returnTo = await provider.interactionResult(
        request.raw,
        reply.raw,
        { login: { accountId: userId!, amr: ['ext'], meridianRoles: roles } },
        { mergeWithLastSubmission: false },
      );
      return reply.code(303).header('location', returnTo).send();
    },
  );

  return { name: config.oidcProviderName, startUrl: (uid) => `/smart/external/start?uid=${encodeURIComponent(uid)}` };
}
