import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { type Principal, ROLES, type SecretBox } from '../identity';
import { smartErrors } from './smart.errors';
import {
  DEFAULT_APP_SCOPES,
  DEFAULT_BACKEND_SCOPES,
  isResourceScope,
  LAUNCH_SCOPES,
  splitScopes,
} from './smart.scopes';
import * as store from './smart.store';

const httpsOrLoopback = z
  .url()
  .refine((value) => /^https:\/\//.test(value) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(value), {
    message: 'must be https (or http on the loopback address, for development)',
  });

const jwk = z.record(z.string(), z.unknown());

export const registerClientBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** public: browser or native app with PKCE; confidential: server-side app with a secret (or keys);
     *  backend: a service with client_credentials and private_key_jwt (SMART Backend Services). */
    type: z.enum(['public', 'confidential', 'backend']),
    redirect_uris: z.array(httpsOrLoopback).max(20).optional(),
    launch_uri: httpsOrLoopback.optional(),
    scope: z.string().max(4000).optional(),
    jwks: z.object({ keys: z.array(jwk).min(1).max(10) }).optional(),
    jwks_uri: httpsOrLoopback.optional(),
    role: z.enum(ROLES).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.type !== 'backend' && !body.redirect_uris?.length) {
      ctx.addIssue({ code: 'custom', path: ['redirect_uris'], message: 'an app needs at least one redirect URI' });
    }
    if (body.type === 'backend' && !body.jwks && !body.jwks_uri) {
      ctx.addIssue({ code: 'custom', path: ['jwks'], message: 'a backend service needs jwks or jwks_uri' });
    }
    if (body.jwks && body.jwks_uri)
      ctx.addIssue({ code: 'custom', path: ['jwks_uri'], message: 'give jwks or jwks_uri, not both' });
    for (const scope of splitScopes(body.scope)) {
      if (!isResourceScope(scope) && !(LAUNCH_SCOPES as readonly string[]).includes(scope)) {
        ctx.addIssue({ code: 'custom', path: ['scope'], message: `unknown scope '${scope}'` });
      }
    }
    if (body.role === 'super_admin')
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'an app cannot act as super admin' });
  });
export type RegisterClientInput = z.output<typeof registerClientBody>;

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  name: string;
  type: 'public' | 'confidential' | 'backend';
  tenant_id: string;
  role: string;
  scope: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  grant_types: string[];
  created_at: string;
}

/** Apps registered by a tenant's admins, stored as oidc-provider client metadata. */
export class SmartClients {
  constructor(
    private readonly deps: { db: Database; box: SecretBox; audit: AuditService; provider: Provider; now: () => Date },
  ) {}

  async register(admin: Principal, input: RegisterClientInput, request: FastifyRequest): Promise<RegisteredClient> {
    const clientId = `smart_${randomBytes(12).toString('base64url')}`;
    const backend = input.type === 'backend';
    const keys = input.jwks || input.jwks_uri;
    const authMethod = input.type === 'public' ? 'none' : keys ? 'private_key_jwt' : 'client_secret_basic';
    const secret = authMethod === 'client_secret_basic' ? randomBytes(32).toString('base64url') : undefined;
    const scope = input.scope
      ? splitScopes(input.scope).join(' ')
      : (backend ? DEFAULT_BACKEND_SCOPES : DEFAULT_APP_SCOPES).join(' ');
    const metadata: Record<string, unknown> = {
      client_id: clientId,
      client_name: input.name,
      token_endpoint_auth_method: authMethod,
      grant_types: backend ? ['client_credentials'] : ['authorization_code', 'refresh_token'],
      response_types: backend ? [] : ['code'],
      redirect_uris: backend ? [] : input.redirect_uris,
      // Not oidc-provider's `scope`, which may only list the provider's fixed scopes: SMART scopes are a grammar.
      meridian_scope: scope,
      ...(input.jwks ? { jwks: input.jwks } : {}),
      ...(input.jwks_uri ? { jwks_uri: input.jwks_uri } : {}),
      ...(secret ? { client_secret: secret } : {}),
    };
    // oidc-provider checks the metadata as it would at dynamic registration (URIs, keys, grant/response types).
    try {
      await (this.deps.provider.Client as unknown as { validate(m: unknown): Promise<void> }).validate({
        ...metadata,
        tenant_id: admin.tenantId,
        meridian_role: input.role ?? 'system',
      });
    } catch (error) {
      throw smartErrors.invalidRequest(
        `The registration is not valid: ${(error as { error_description?: string }).error_description ?? (error as Error).message}`,
      );
    }
    const createdAt = this.deps.now().toISOString();
    const role = input.role ?? (backend ? 'system' : 'physician');
    await this.deps.db.asOwner((q) =>
      store.insertClient(q, {
        client_id: clientId,
        tenant_id: admin.tenantId,
        name: input.name,
        metadata: JSON.stringify({ ...metadata, ...(secret ? { client_secret: this.deps.box.seal(secret) } : {}) }),
        role,
        created_by: admin.userId ?? admin.clientId ?? null,
        created_at: createdAt,
      }),
    );
    await this.audit(admin, request, 'smart-client-create', clientId, `${input.type} ${scope}`);
    return {
      ...this.describe({
        client_id: clientId,
        tenant_id: admin.tenantId,
        name: input.name,
        metadata: JSON.stringify(metadata),
        role,
        created_by: null,
        created_at: createdAt,
        revoked_at: null,
      }),
      ...(secret ? { client_secret: secret } : {}),
    };
  }

  async list(tenantId: string): Promise<RegisteredClient[]> {
    const rows = await this.deps.db.asOwner((q) => store.listClients(q, tenantId));
    return rows.map((row) => this.describe(row));
  }

  async get(tenantId: string, clientId: string): Promise<RegisteredClient> {
    const row = await this.deps.db.asOwner((q) => store.findClient(q, clientId));
    if (!row || row.revoked_at || row.tenant_id !== tenantId) throw smartErrors.clientNotFound(clientId);
    return this.describe(row);
  }

  /** Unregisters an app and ends every token it holds at once. */
  async remove(admin: Principal, clientId: string, request: FastifyRequest): Promise<void> {
    const removed = await this.deps.db.asOwner(async (q) => {
      const done = await store.revokeClient(q, admin.tenantId, clientId, this.deps.now().toISOString());
      if (done) await store.destroyClientEntities(q, clientId);
      return done;
    });
    if (!removed) throw smartErrors.clientNotFound(clientId);
    await this.audit(admin, request, 'smart-client-delete', clientId);
  }

  private describe(row: store.SmartClientRow): RegisteredClient {
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    const grantTypes = (metadata.grant_types as string[]) ?? [];
    const method = String(metadata.token_endpoint_auth_method);
    return {
      client_id: row.client_id,
      name: row.name,
      type: grantTypes.includes('client_credentials') ? 'backend' : method === 'none' ? 'public' : 'confidential',
      tenant_id: row.tenant_id,
      role: row.role,
      scope: String(metadata.meridian_scope ?? ''),
      redirect_uris: (metadata.redirect_uris as string[]) ?? [],
      token_endpoint_auth_method: method,
      grant_types: grantTypes,
      created_at: row.created_at,
    };
  }

  private async audit(admin: Principal, request: FastifyRequest, action: string, clientId: string, detail?: string) {
    await this.deps.audit.record({
      tenantId: admin.tenantId,
      action,
      outcome: 'success',
      userId: admin.userId,
      clientId: admin.clientId,
      roles: admin.roles,
      ip: request.ip,
      requestId: request.id,
      detail: `client ${clientId}${detail ? ` ${detail}` : ''}`,
    });
  }
}
