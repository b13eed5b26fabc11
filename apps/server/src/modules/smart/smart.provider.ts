import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Database } from '../../platform/db';
import type { SecretBox } from '../identity';
import { createAdapterFactory } from './smart.adapter';
import { loadProviderKeys } from './smart.keys';
import { decideScopes, isResourceScope, LAUNCH_SCOPES, splitScopes } from './smart.scopes';
import * as store from './smart.store';

export const OAUTH_PREFIX = '/oauth';
export const INTERACTION_PREFIX = '/smart/interaction';

export interface ProviderOptions {
  db: Database;
  box: SecretBox;
  now: () => Date;
  /** Public base URL of the server, without a trailing slash. */
  baseUrl: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rotationDays: number;
  /** Where the provider's own failures are reported (never token values or patient data). */
  onServerError: (error: Error) => void;
}

/** What an access token carries beside its scope (oidc-provider keeps it as the token's `extra`). */
export interface SmartTokenExtra {
  tenant: string;
  roles: string[];
  kind: 'user' | 'client';
  patient?: string;
  encounter?: string;
  fhirUser?: string;
}

/** Client metadata as oidc-provider reads it, plus Meridian's tenant and role. */
export type ClientMetadata = Record<string, unknown> & {
  client_id: string;
  tenant_id: string;
  meridian_role: string;
  /** The scopes the app may be granted (SMART scopes, wildcards allowed). */
  meridian_scope: string;
};

type OidcCtx = KoaContextWithOIDC;

/**
 * oidc-provider configured for SMART App Launch 2.0: authorization code with PKCE (S256, required for
 * every client), client credentials for backend services (private_key_jwt), refresh tokens with
 * offline_access, introspection and revocation, opaque access tokens kept in the database (so revoking
 * one takes effect at once), and the FHIR API as the one resource server.
 */
export async function createProvider(options: ProviderOptions): Promise<Provider> {
  const { db, box, now } = options;
  const issuer = `${options.baseUrl}${OAUTH_PREFIX}`;
  const fhirBase = `${options.baseUrl}/fhir/R4`;
  const { jwks, cookieKeys } = await loadProviderKeys(db, box, now, options.rotationDays);

  const loadClient = async (clientId: string): Promise<ClientMetadata | undefined> => {
    const row = await db.asOwner((q) => store.findClient(q, clientId));
    if (!row || row.revoked_at) return undefined;
    const metadata = JSON.parse(row.metadata) as ClientMetadata;
    if (typeof metadata.client_secret === 'string') metadata.client_secret = box.open(metadata.client_secret);
    return { ...metadata, client_id: row.client_id, tenant_id: row.tenant_id, meridian_role: row.role };
  };

  /** Every scope the request or the token being issued speaks of, cut down to what the client may have. */
  const resourceScopesFor = (ctx: OidcCtx, client: { meridian_scope?: string } | undefined): string => {
    const entities = ctx.oidc.entities as Record<string, { scope?: string } | undefined>;
    const words = new Set<string>();
    const params = ctx.oidc.params as Record<string, unknown> | undefined;
    for (const scope of [
      params?.scope,
      entities.AuthorizationCode?.scope,
      entities.RefreshToken?.scope,
      entities.Interaction && (entities.Interaction as { params?: { scope?: string } }).params?.scope,
    ]) {
      if (typeof scope === 'string') for (const word of splitScopes(scope)) words.add(word);
    }
    const grant = params?.grant_type === 'client_credentials' ? 'backend' : 'user';
    const { granted } = decideScopes([...words].filter(isResourceScope), splitScopes(client?.meridian_scope), grant);
    return granted.join(' ');
  };

  const extraTokenClaims = async (ctx: OidcCtx, token: Record<string, unknown>): Promise<SmartTokenExtra> => {
    const client = ctx.oidc.client as unknown as ClientMetadata & { tenantId?: string };
    const tenant = String((client as Record<string, unknown>).tenant_id);
    if (token.kind === 'ClientCredentials') {
      return { tenant, roles: [String((client as Record<string, unknown>).meridian_role)], kind: 'client' };
    }
    const userId = String(token.accountId);
    const context = await db.withTenant(tenant, (q) => store.findGrantContext(q, tenant, String(token.grantId)));
    const membership = await db.asOwner((q) => store.membershipOf(q, tenant, userId));
    if (!membership || membership.disabled) throw new errors.InvalidGrant('the user is no longer a member');
    const fhirUser = context?.fhir_user ?? membership.fhirUser;
    return {
      tenant,
      roles: context?.roles ?? membership.roles,
      kind: 'user',
      ...(context?.patient ? { patient: context.patient } : {}),
      ...(context?.encounter ? { encounter: context.encounter } : {}),
      ...(fhirUser ? { fhirUser } : {}),
    };
  };

  const provider = new Provider(issuer, {
    adapter: createAdapterFactory(db, loadClient, now),
    jwks,
    cookies: { keys: cookieKeys, long: { signed: true }, short: { signed: true } },
    scopes: [...LAUNCH_SCOPES],
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name', 'email'] },
    conformIdTokenClaims: false,
    async findAccount(ctx, sub) {
      const client = ctx.oidc.client as unknown as Record<string, unknown> | undefined;
      const tenant = typeof client?.tenant_id === 'string' ? client.tenant_id : undefined;
      if (!tenant) return undefined;
      const membership = await db.asOwner((q) => store.membershipOf(q, tenant, sub));
      if (!membership || membership.disabled) return undefined;
      return {
        accountId: sub,
        async claims() {
          const grantId = (ctx.oidc.entities as { Grant?: { jti?: string } }).Grant?.jti;
          const context = grantId
            ? await db.withTenant(tenant, (q) => store.findGrantContext(q, tenant, grantId))
            : undefined;
          const fhirUser = context?.fhir_user ?? membership.fhirUser;
          return { sub, ...(fhirUser ? { fhirUser: `${fhirBase}/${fhirUser}` } : {}) };
        },
      };
    },
    extraClientMetadata: { properties: ['tenant_id', 'meridian_role', 'meridian_scope'] },
    extraParams: {
      launch: null,
      // SMART: the app names the FHIR server it wants a token for; refuse a token for another one.
      aud(_ctx: OidcCtx, value: string | undefined) {
        if (value !== undefined && value.replace(/\/$/, '') !== fhirBase) {
          throw new errors.InvalidRequest(`aud must be this server's FHIR base URL (${fhirBase})`);
        }
      },
    } as never,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => fhirBase,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx: OidcCtx, resource: string, client: { meridian_scope?: string }) => {
          if (resource.replace(/\/$/, '') !== fhirBase) throw new errors.InvalidTarget();
          return {
            scope: resourceScopesFor(ctx, client),
            accessTokenFormat: 'opaque',
            accessTokenTTL: options.accessTokenTtlSeconds,
            audience: fhirBase,
          };
        },
      },
    } as never,
    extraTokenClaims: extraTokenClaims as never,
    // SMART: a new authorization asks again (each launch gets its own context); only the grant the
    // consent page just made counts, never an earlier one remembered in the browser session.
    loadExistingGrant: async (ctx: OidcCtx) => {
      const grantId = (ctx.oidc.result as { consent?: { grantId?: string } } | undefined)?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PREFIX}/${interaction.uid}` },
    clientBasedCORS: () => true,
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256', 'RS384', 'ES256', 'ES384', 'PS256', 'PS384'],
    },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds,
      ClientCredentials: options.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 24 * 3600,
      Grant: options.refreshTokenTtlSeconds,
      RefreshToken: options.refreshTokenTtlSeconds,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head><body><main><h1>Sign-in error</h1><p>${escapeHtml(String(out.error))}: ${escapeHtml(String(out.error_description ?? ''))}</p></main></body></html>`;
    },
  });
  provider.proxy = options.baseUrl.startsWith('https:');
  provider.on('server_error', (_ctx: unknown, error: Error) => options.onServerError(error));

  // OpenID Connect drops offline_access unless consent is prompted for; Meridian always asks for consent
  // (see loadExistingGrant), so a SMART app asking for offline_access says so explicitly.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      const query = { ...ctx.query } as Record<string, string>;
      if (typeof query.scope === 'string' && splitScopes(query.scope).includes('offline_access') && !query.prompt) {
        ctx.query = { ...query, prompt: 'consent' };
        // oidc-provider finds its mount path by comparing the original URL with the current one.
        (ctx.req as { originalUrl?: string }).originalUrl = `${OAUTH_PREFIX}${ctx.url}`;
      }
    }
    await next();
  });

  // SMART's token response also carries the launch context and every granted scope, launch scopes too.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.method !== 'POST' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body?.access_token) return;
    const entities = ctx.oidc?.entities as Record<string, { extra?: SmartTokenExtra; scope?: string }> | undefined;
    const token = entities?.AccessToken ?? entities?.ClientCredentials;
    const extra = token?.extra;
    if (extra?.patient) body.patient = extra.patient;
    if (extra?.encounter) body.encounter = extra.encounter;
    const source = entities?.AuthorizationCode ?? entities?.RefreshToken;
    if (source?.scope) {
      const issued = new Set(splitScopes(token?.scope));
      const launch = splitScopes(source.scope).filter((scope) => !isResourceScope(scope) && !issued.has(scope));
      body.scope = [...launch, ...issued].join(' ');
    }
  });
  return provider;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}
