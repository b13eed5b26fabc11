import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { FhirServices } from '../../fhir';
import { fhirContextOf } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditOutcome, AuditService } from '../audit';
import { type IdentityService, identityErrors, isRole, type Principal } from '../identity';
import { smartErrors } from './smart.errors';
import type { SmartTokenExtra } from './smart.provider';
import { parseResourceScope, splitScopes } from './smart.scopes';
import * as store from './smart.store';

export interface SmartServiceDeps {
  db: Database;
  identity: IdentityService;
  audit: AuditService;
  fhir: FhirServices;
  provider: Provider;
  now: () => Date;
  launchTtlSeconds: number;
}

export interface SignedInUser {
  principal: Principal;
  displayName: string;
  fhirUser: string | undefined;
}

export interface LaunchContext {
  patient: string | undefined;
  encounter: string | undefined;
  /** The app asked for a patient (launch/patient or patient/ scopes). */
  needsPatient: boolean;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Launch context, sign-in on behalf of the provider, and the bridge from SMART tokens to Principals. */
export class SmartService {
  constructor(private readonly deps: SmartServiceDeps) {}

  /** Password (and TOTP) sign-in through identity, with its lockout and audit; answers the user id. */
  async signIn(
    input: { email: string; password: string; totp?: string | undefined; tenant: string },
    request: FastifyRequest,
  ): Promise<string> {
    const tokens = await this.deps.identity.login(
      { email: input.email, password: input.password, tenant: input.tenant, totp: input.totp },
      { ip: request.ip, requestId: request.id },
    );
    const principal = await this.deps.identity.authenticate(tokens.access_token, 'bearer');
    return principal.userId!;
  }

  async userPrincipal(tenantId: string, userId: string): Promise<SignedInUser> {
    const membership = await this.deps.db.asOwner((q) => store.membershipOf(q, tenantId, userId));
    if (!membership || membership.disabled) throw smartErrors.notMember();
    return {
      principal: {
        kind: 'user',
        subject: userId,
        userId,
        tenantId,
        roles: membership.roles.filter(isRole),
        scopes: ['user/*.cruds'],
        sessionId: 'smart-authorization',
        via: 'bearer',
        ...(membership.fhirUser ? { fhirUser: membership.fhirUser } : {}),
      },
      displayName: membership.displayName,
      fhirUser: membership.fhirUser,
    };
  }

  /** The patient and encounter an authorization carries: from an EHR launch, or the patient user's own. */
  async launchContextFor(params: Record<string, unknown>, tenantId: string, who: SignedInUser): Promise<LaunchContext> {
    const scopes = splitScopes(typeof params.scope === 'string' ? params.scope : '');
    const needsPatient =
      scopes.includes('launch/patient') || scopes.some((scope) => parseResourceScope(scope)?.context === 'patient');
    let patient: string | undefined;
    let encounter: string | undefined;
    if (typeof params.launch === 'string' && params.launch) {
      const launch = await this.deps.db.withTenant(tenantId, (q) =>
        store.findLaunch(q, tenantId, params.launch as string),
      );
      if (
        !launch ||
        new Date(launch.expires_at) <= this.deps.now() ||
        launch.client_id !== params.client_id ||
        (launch.user_id && launch.user_id !== who.principal.userId)
      ) {
        throw smartErrors.launchInvalid();
      }
      patient = launch.patient ?? undefined;
      encounter = launch.encounter ?? undefined;
    }
    // A patient only ever works with their own record.
    if (who.fhirUser?.startsWith('Patient/')) patient = who.fhirUser.slice('Patient/'.length);
    return { patient, encounter, needsPatient };
  }

  async saveGrantContext(
    tenantId: string,
    grantId: string,
    context: {
      userId: string;
      patient?: string | undefined;
      encounter?: string | undefined;
      fhirUser?: string | undefined;
      roles?: string[] | undefined;
    },
  ): Promise<void> {
    await this.deps.db.transaction(tenantId, (q) =>
      store.upsertGrantContext(q, tenantId, {
        grant_id: grantId,
        user_id: context.userId,
        patient: context.patient ?? null,
        encounter: context.encounter ?? null,
        fhir_user: context.fhirUser ?? null,
        roles: context.roles ?? null,
        created_at: this.deps.now().toISOString(),
      }),
    );
  }

  async auditAuthorize(input: {
    tenant: string;
    userId: string;
    clientId: string;
    outcome: AuditOutcome;
    patient?: string | undefined;
    detail?: string;
    request: FastifyRequest;
  }): Promise<void> {
    await this.deps.audit.record({
      tenantId: input.tenant,
      action: 'smart-authorize',
      outcome: input.outcome,
      userId: input.userId,
      clientId: input.clientId,
      patientId: input.patient,
      detail: input.detail,
      ip: input.request.ip,
      requestId: input.request.id,
    });
  }

  /** An EHR launch: the web app opens an app with `?launch=<id>&iss=<FHIR base>`. */
  async createLaunch(
    request: FastifyRequest,
    input: { client_id: string; patient?: string | undefined; encounter?: string | undefined },
  ): Promise<{ launch: string; expires_in: number }> {
    const principal = request.principal!;
    const tenantId = principal.tenantId;
    const client = await this.deps.db.asOwner((q) => store.findClient(q, input.client_id));
    if (!client || client.revoked_at || client.tenant_id !== tenantId)
      throw smartErrors.clientNotFound(input.client_id);
    const ctx = fhirContextOf(request);
    for (const [type, id] of [
      ['Patient', input.patient],
      ['Encounter', input.encounter],
    ] as const) {
      if (id === undefined) continue;
      if (!ID.test(id))
        throw smartErrors.invalidRequest(`${type.toLowerCase()}: not a resource id`, type.toLowerCase());
      try {
        await this.deps.fhir.repository.read(ctx, type, id);
      } catch {
        throw smartErrors.invalidRequest(`${type}/${id} is not a resource you can see`, type.toLowerCase());
      }
    }
    const now = this.deps.now();
    const launch = randomBytes(18).toString('base64url');
    await this.deps.db.transaction(tenantId, async (q) => {
      await store.insertLaunch(q, tenantId, {
        id: launch,
        client_id: input.client_id,
        user_id: principal.userId ?? null,
        patient: input.patient ?? null,
        encounter: input.encounter ?? null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + this.deps.launchTtlSeconds * 1000).toISOString(),
      });
      await this.deps.audit.append(q, {
        tenantId,
        action: 'smart-launch',
        outcome: 'success',
        userId: principal.userId,
        clientId: input.client_id,
        roles: principal.roles,
        patientId: input.patient,
        ip: request.ip,
        requestId: request.id,
      });
    });
    return { launch, expires_in: this.deps.launchTtlSeconds };
  }

  /**
   * The caller behind an access token this provider issued (opaque tokens, looked up in the database on
   * every request, so a revoked token stops at once). Answers undefined for tokens that are not ours.
   * A user's token also meets the user's membership on every request: it is refused once the user was
   * deactivated or left the tenant, and acts with the roles it was issued with that the user still has
   * (a removed role stops at once; an added one waits for a new authorization).
   */
  async principalOf(token: string): Promise<Principal | undefined> {
    if (token.includes('.') || token.length < 20 || token.length > 200) return undefined;
    const { provider } = this.deps;
    const found = (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
    if (!found) return undefined;
    const extra = (found as unknown as { extra?: SmartTokenExtra }).extra;
    if (!extra?.tenant) return undefined;
    const clientId = String(found.clientId);
    const userId = (found as unknown as { accountId?: string }).accountId;
    const isClient = extra.kind === 'client';
    let roles = extra.roles.filter(isRole);
    if (!isClient) {
      const membership = await this.deps.db.asOwner((q) => store.membershipOf(q, extra.tenant, String(userId)));
      if (!membership || membership.disabled) {
        throw identityErrors.invalidToken('its user no longer has access to this tenant');
      }
      roles = roles.filter((role) => membership.roles.includes(role));
    }
    const principal: Principal = {
      kind: isClient ? 'client' : 'user',
      subject: isClient ? clientId : String(userId),
      ...(isClient ? {} : { userId: String(userId) }),
      clientId,
      tenantId: extra.tenant,
      roles,
      scopes: splitScopes(found.scope),
      sessionId: String((found as unknown as { grantId?: string }).grantId ?? found.jti),
      via: 'bearer',
      ...(extra.fhirUser ? { fhirUser: extra.fhirUser } : {}),
      ...(extra.patient ? { patient: extra.patient } : {}),
      ...(extra.encounter ? { encounter: extra.encounter } : {}),
    };
    return principal;
  }

  /**
   * Ends every grant, token and provider session the user holds through this tenant's apps (an admin
   * ended the user's sign-ins or deactivated them). Answers how many provider entities ended.
   */
  async revokeAccount(tenantId: string, userId: string): Promise<number> {
    return this.deps.db.asOwner((q) => store.destroyAccountEntities(q, tenantId, userId));
  }
}
