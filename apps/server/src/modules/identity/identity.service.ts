import { randomUUID } from 'node:crypto';
import type { Config } from '../../config';
import type { Database, Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import { AccountService } from './identity.accounts';
import { randomToken, SecretBox, sameSecret, sha256 } from './identity.crypto';
import { identityErrors } from './identity.errors';
import type { KeyRing } from './identity.keys';
import { decoyPasswordHash, hashPassword, verifyPassword } from './identity.password';
import { isRole, type Principal, type Role } from './identity.schemas';
import { checkSecondFactor, countFailedAttempt, lockedFor } from './identity.sign-in-checks';
import * as store from './identity.store';
import { TenantSwitchService } from './identity.tenant-switch';
import type { LoginInput, RequestMeta, SessionOpening, TokenSet } from './identity.tokens';
import { TwoFactorService } from './identity.two-factor';
import { actorOf, userOf, whoAmI } from './identity.who';

export interface IdentityServiceDeps {
  db: Database;
  config: Config;
  audit: AuditService;
  keys: KeyRing;
  box: SecretBox;
  now: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A relative reference to the FHIR resource a person is, as memberships store it. */
const FHIR_USER = /^(Practitioner|PractitionerRole|Patient|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64}$/;

/**
 * Told when an admin takes away everything a user was given in a tenant (their sign-ins were ended or
 * their account deactivated), so modules that issue their own credentials (SMART apps' grants) end them
 * too. Identity knows nothing of those modules; they register here.
 */
export type AccountRevokedListener = (tenantId: string, userId: string) => Promise<void>;

/** Sign-in, tokens, sessions, two-factor and the accounts behind them. Knows nothing of HTTP. */
export class IdentityService {
  private readonly sessionCache = new Map<string, { until: number; active: boolean }>();
  private readonly accountRevokedListeners: AccountRevokedListener[] = [];

  /** Enrolment, confirmation and admin reset of TOTP two-factor sign-in. */
  readonly twoFactor: TwoFactorService;
  /** Tenants, users and memberships, and the password policy. */
  readonly accounts: AccountService;
  /** A person's tenants, and moving their sign-in from one to another. */
  readonly tenantSwitch: TenantSwitchService;

  constructor(private readonly deps: IdentityServiceDeps) {
    this.accounts = new AccountService(deps);
    this.twoFactor = new TwoFactorService({
      ...deps,
      forgetSession: (tenantId, sessionId) => this.forgetSession(tenantId, sessionId),
    });
    this.tenantSwitch = new TenantSwitchService({
      ...deps,
      openSession: (tx, who) => this.openSession(tx, who),
      endSignIn: (principal, meta, reason, detail) => this.endSignIn(principal, meta, reason, detail),
    });
  }

  private get now(): Date {
    return this.deps.now();
  }

  // --- Accounts ---

  async changePassword(principal: Principal, current: string, next: string, meta: RequestMeta): Promise<void> {
    const user = await userOf(this.deps.db, principal);
    if (!(await verifyPassword(user.password_hash, current))) throw identityErrors.invalidCredentials();
    this.accounts.checkPassword(next, user.email);
    const hash = await hashPassword(next);
    await this.deps.db.asOwner((db) => store.updatePassword(db, user.id, hash));
    await this.deps.audit.record({ ...actorOf(principal, meta), action: 'password-change', outcome: 'success' });
  }

  // --- Sign-in ---

  async login(input: LoginInput, meta: RequestMeta): Promise<TokenSet> {
    const now = this.now;
    const { db } = this.deps;
    const user = await db.asOwner((q) => store.findUserByEmail(q, input.email));
    const failTenant = await this.tenantForFailure(input.tenant);
    const failed = (detail: string, userId?: string, tenantId = failTenant) =>
      this.deps.audit.record({
        tenantId,
        action: 'login-failed',
        outcome: 'failure',
        userId,
        detail,
        ip: meta.ip,
        requestId: meta.requestId,
      });
    if (!user || user.disabled) {
      await verifyPassword(await decoyPasswordHash(), input.password);
      await failed(user ? 'disabled' : 'unknown-user', user?.id);
      throw identityErrors.invalidCredentials();
    }
    const memberships = await db.asOwner((q) => store.membershipsOf(q, user.id));
    const home = memberships[0]?.tenant_id ?? failTenant;
    const locked = lockedFor(user, now);
    if (locked) {
      await failed('locked', user.id, home);
      throw identityErrors.accountLocked(locked);
    }
    const registerFailure = async (detail: string) => {
      const lockedNow = await countFailedAttempt(this.deps, user.id, now);
      await failed(detail, user.id, home);
      if (lockedNow) throw identityErrors.accountLocked(lockedNow);
    };
    if (!(await verifyPassword(user.password_hash, input.password))) {
      await registerFailure('wrong-password');
      throw identityErrors.invalidCredentials();
    }

    const tenantId = await this.chooseTenant(user.id, memberships, input.tenant);
    if (!tenantId) {
      await failed('no-membership', user.id, home);
      throw identityErrors.invalidCredentials();
    }
    if (user.totp_enabled) {
      const factor = await checkSecondFactor(this.deps, user, input, now);
      if (!factor.ok && factor.reason === 'missing') throw identityErrors.mfaRequired();
      if (!factor.ok) {
        await registerFailure(factor.reason);
        throw identityErrors.mfaInvalid();
      }
    }
    if (user.failed_logins > 0) await db.asOwner((q) => store.clearFailedLogins(q, user.id));

    const roles = memberships.filter((m) => m.tenant_id === tenantId).map((m) => m.role);
    const tokens = await db.transaction(tenantId, async (tx) => {
      const issued = await this.openSession(tx, { tenantId, userId: user.id, roles, refresh: true });
      await this.deps.audit.append(tx, {
        tenantId,
        action: 'login',
        outcome: 'success',
        userId: user.id,
        roles,
        detail: input.recoveryCode ? 'recovery-code' : user.totp_enabled ? 'totp' : 'password',
        ip: meta.ip,
        requestId: meta.requestId,
      });
      return issued;
    });
    return user.must_change_password ? { ...tokens, password_change_required: true } : tokens;
  }

  /** Rotates a refresh token. A token presented twice means it leaked: its whole sign-in is revoked. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenSet> {
    const tenantId = refreshToken.split('.')[0] ?? '';
    if (!UUID.test(tenantId)) throw identityErrors.refreshInvalid();
    const hash = sha256(refreshToken);
    const now = this.now;
    const result = await this.deps.db.transaction(tenantId, async (tx) => {
      const token = await store.lockRefreshToken(tx, tenantId, hash);
      if (!token) return { kind: 'invalid' as const };
      const session = await store.findSession(tx, tenantId, token.session_id);
      if (!session || session.revoked_at || new Date(session.expires_at) <= now || new Date(token.expires_at) <= now) {
        return { kind: 'invalid' as const };
      }
      if (token.used_at) {
        await store.revokeSession(tx, tenantId, session.id, 'refresh-token-reuse', now);
        await this.deps.audit.append(tx, {
          tenantId,
          action: 'refresh-reuse',
          outcome: 'denied',
          userId: session.user_id ?? undefined,
          clientId: session.client_id ?? undefined,
          roles: session.roles,
          detail: 'session-revoked',
          ip: meta.ip,
          requestId: meta.requestId,
        });
        return { kind: 'reused' as const, sessionId: session.id };
      }
      await store.markRefreshTokenUsed(tx, tenantId, hash, now);
      const tokens = await this.issueTokens(tx, session, true);
      return { kind: 'ok' as const, tokens };
    });
    if (result.kind === 'reused') {
      this.forgetSession(tenantId, result.sessionId);
      throw identityErrors.refreshReused();
    }
    if (result.kind === 'invalid') throw identityErrors.refreshInvalid();
    return result.tokens;
  }

  async logout(principal: Principal, meta: RequestMeta): Promise<void> {
    await this.endSignIn(principal, meta, 'logout');
  }

  /**
   * Ends the caller's sign-in: every token of it stops working, and the audit trail records a logout
   * (with `detail` saying why, when it is not the person's own sign-out). Answers false, recording
   * nothing, when the sign-in had already ended (a revocation or a concurrent request got there first).
   */
  private async endSignIn(principal: Principal, meta: RequestMeta, reason: string, detail?: string): Promise<boolean> {
    const ended = await this.deps.db.transaction(principal.tenantId, async (tx) => {
      if (!(await store.revokeSession(tx, principal.tenantId, principal.sessionId, reason, this.now))) return false;
      await this.deps.audit.append(tx, {
        ...actorOf(principal, meta),
        action: 'logout',
        outcome: 'success',
        ...(detail ? { detail } : {}),
      });
      return true;
    });
    this.forgetSession(principal.tenantId, principal.sessionId);
    return ended;
  }

  onAccountRevoked(listener: AccountRevokedListener): void {
    this.accountRevokedListeners.push(listener);
  }

  /**
   * Ends every sign-in of a user in the admin's tenant at once and, unless `keepDelegated` (a role
   * change: credentials issued elsewhere re-check the roles themselves), everything other modules issued
   * on the user's behalf in that tenant, through the account-revoked listeners.
   */
  async revokeUserSessions(
    admin: Principal,
    userId: string,
    meta: RequestMeta,
    options: { keepDelegated?: boolean } = {},
  ): Promise<number> {
    const revoked = await this.deps.db.transaction(admin.tenantId, async (tx) => {
      const ids = await store.revokeUserSessions(tx, admin.tenantId, userId, 'revoked-by-admin', this.now);
      await this.deps.audit.append(tx, {
        ...actorOf(admin, meta),
        action: 'sessions-revoke',
        outcome: 'success',
        detail: `user ${userId}`,
      });
      return ids;
    });
    for (const id of revoked) this.forgetSession(admin.tenantId, id);
    if (!options.keepDelegated) {
      for (const listener of this.accountRevokedListeners) await listener(admin.tenantId, userId);
    }
    return revoked.length;
  }

  // --- Service accounts ---

  async createClient(input: { tenant: string; name: string; role: Role }) {
    const tenant = await this.accounts.resolveTenant(input.tenant);
    const clientId = `mc_${randomToken(12)}`;
    const clientSecret = randomToken(32);
    await this.deps.db.asOwner((db) =>
      store.insertClient(db, {
        client_id: clientId,
        tenant_id: tenant.id,
        name: input.name,
        role: input.role,
        secret_hash: sha256(clientSecret),
      }),
    );
    return { client_id: clientId, client_secret: clientSecret, tenant_id: tenant.id, role: input.role };
  }

  /** The client-credentials grant: a short-lived access token, no refresh token. */
  async clientCredentials(clientId: string, secret: string, meta: RequestMeta): Promise<TokenSet> {
    const client = await this.deps.db.asOwner((db) => store.findClient(db, clientId));
    if (!client || client.revoked_at || !sameSecret(sha256(secret), client.secret_hash)) {
      if (client) {
        await this.deps.audit.record({
          tenantId: client.tenant_id,
          action: 'login-failed',
          outcome: 'failure',
          clientId,
          detail: client.revoked_at ? 'client-revoked' : 'wrong-secret',
          ip: meta.ip,
          requestId: meta.requestId,
        });
      }
      throw identityErrors.invalidClient();
    }
    return this.deps.db.transaction(client.tenant_id, async (tx) => {
      const issued = await this.openSession(tx, {
        tenantId: client.tenant_id,
        clientId,
        roles: [client.role],
        refresh: false,
      });
      await this.deps.audit.append(tx, {
        tenantId: client.tenant_id,
        action: 'login',
        outcome: 'success',
        clientId,
        roles: [client.role],
        detail: 'client-credentials',
        ip: meta.ip,
        requestId: meta.requestId,
      });
      return issued;
    });
  }

  // --- Tokens ---

  private async openSession(tx: Queryable, who: SessionOpening): Promise<TokenSet> {
    const now = this.now;
    const lifetime = who.refresh ? this.deps.config.refreshTokenTtlSeconds : this.deps.config.accessTokenTtlSeconds;
    const natural = now.getTime() + lifetime * 1000;
    const until = who.until === undefined ? natural : Math.min(natural, new Date(who.until).getTime());
    const session: store.SessionRow & { created_at: string } = {
      tenant_id: who.tenantId,
      id: randomUUID(),
      user_id: who.userId ?? null,
      client_id: who.clientId ?? null,
      roles: who.roles,
      created_at: now.toISOString(),
      expires_at: new Date(until).toISOString(),
      revoked_at: null,
    };
    await store.insertSession(tx, session);
    return this.issueTokens(tx, session, who.refresh);
  }

  private async issueTokens(tx: Queryable, session: store.SessionRow, withRefresh: boolean): Promise<TokenSet> {
    const ttl = this.deps.config.accessTokenTtlSeconds;
    const scope = session.client_id ? 'system/*.*' : 'user/*.*';
    // Who the person is in the record (their Practitioner or Patient), so what they write names them.
    const fhirUser = session.user_id ? await store.fhirUserOf(tx, session.tenant_id, session.user_id) : undefined;
    const accessToken = await this.deps.keys.sign(
      {
        sub: session.user_id ?? session.client_id ?? undefined,
        tid: session.tenant_id,
        sid: session.id,
        roles: session.roles,
        scope,
        ...(session.client_id ? { client_id: session.client_id } : {}),
        ...(fhirUser ? { fhirUser } : {}),
      },
      ttl,
    );
    const tokens: TokenSet = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ttl,
      scope,
      tenant: session.tenant_id,
    };
    if (withRefresh) {
      const refreshToken = `${session.tenant_id}.${randomToken(32)}`;
      await store.insertRefreshToken(tx, {
        tenantId: session.tenant_id,
        hash: sha256(refreshToken),
        sessionId: session.id,
        createdAt: this.now.toISOString(),
        expiresAt: session.expires_at,
      });
      tokens.refresh_token = refreshToken;
    }
    return tokens;
  }

  /** Verifies an access token and checks that its session is still open; throws AUTH_INVALID_TOKEN. */
  async authenticate(token: string, via: Principal['via']): Promise<Principal> {
    let claims: Record<string, unknown>;
    try {
      claims = await this.deps.keys.verify(token);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw identityErrors.invalidToken(code === 'ERR_JWT_EXPIRED' ? 'it has expired' : 'it is malformed or not ours');
    }
    const { sub, tid, sid, roles, scope, client_id: clientId, fhirUser } = claims;
    if (typeof sub !== 'string' || typeof tid !== 'string' || !UUID.test(tid) || typeof sid !== 'string') {
      throw identityErrors.invalidToken('it lacks the claims Meridian issues');
    }
    if (!(await this.sessionActive(tid, sid))) throw identityErrors.invalidToken('its sign-in was ended');
    const kind = typeof clientId === 'string' ? 'client' : 'user';
    return {
      kind,
      subject: sub,
      ...(kind === 'user' ? { userId: sub } : { clientId: sub }),
      tenantId: tid,
      roles: Array.isArray(roles) ? roles.filter(isRole) : [],
      scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
      sessionId: sid,
      via,
      ...(typeof fhirUser === 'string' && FHIR_USER.test(fhirUser) ? { fhirUser } : {}),
    };
  }

  /** RFC 7662: `{ active: false }` for anything not valid now, else what the token says. */
  async introspect(caller: Principal, token: string): Promise<Record<string, unknown>> {
    let principal: Principal;
    let claims: Record<string, unknown>;
    try {
      claims = await this.deps.keys.verify(token);
      principal = await this.authenticate(token, 'bearer');
    } catch {
      return { active: false };
    }
    // A tenant's callers learn nothing about another tenant's tokens.
    if (principal.tenantId !== caller.tenantId && !caller.roles.includes('super_admin')) return { active: false };
    return {
      active: true,
      token_type: 'Bearer',
      sub: principal.subject,
      ...(principal.clientId ? { client_id: principal.clientId } : {}),
      scope: principal.scopes.join(' '),
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      jti: claims.jti,
      tenant: principal.tenantId,
      roles: principal.roles,
      sid: principal.sessionId,
    };
  }

  private async sessionActive(tenantId: string, sessionId: string): Promise<boolean> {
    const key = `${tenantId}:${sessionId}`;
    const cached = this.sessionCache.get(key);
    const clock = Date.now();
    if (cached && cached.until > clock) return cached.active;
    const session = await this.deps.db.withTenant(tenantId, (db) => store.findSession(db, tenantId, sessionId));
    const active = !!session && !session.revoked_at && new Date(session.expires_at) > this.now;
    if (this.sessionCache.size > 50_000) this.sessionCache.clear();
    this.sessionCache.set(key, { until: clock + this.deps.config.authSessionCacheMs, active });
    return active;
  }

  private forgetSession(tenantId: string, sessionId: string): void {
    this.sessionCache.delete(`${tenantId}:${sessionId}`);
  }

  /** Who the caller is, with their tenant's name (and their own name, for a person's sign-in). */
  whoAmI(principal: Principal): Promise<Record<string, unknown>> {
    return whoAmI(this.deps.db, principal);
  }

  // --- Keys ---

  jwks() {
    return this.deps.keys.jwks();
  }

  rotateKeys(): Promise<string> {
    return this.deps.keys.rotate();
  }

  // --- Helpers ---

  /**
   * The tenant a sign-in opens in: the one asked for (when the user is a member), the only one, or a
   * question. The question names the tenants: the password has been checked by then.
   */
  private async chooseTenant(
    userId: string,
    memberships: { tenant_id: string; role: Role }[],
    asked: string | undefined,
  ): Promise<string | undefined> {
    const tenants = [...new Set(memberships.map((m) => m.tenant_id))];
    if (asked) {
      const tenant = await this.deps.db.asOwner((db) => store.findTenant(db, asked));
      return tenant && tenants.includes(tenant.id) ? tenant.id : undefined;
    }
    if (tenants.length > 1) {
      const named = await this.deps.db.asOwner((db) => store.tenantsOf(db, userId));
      throw identityErrors.tenantChoice(named.map(({ id, name }) => ({ id, name })));
    }
    return tenants[0];
  }

  /** Failed sign-ins of unknown accounts are recorded in the tenant asked for, else the default tenant. */
  private async tenantForFailure(asked: string | undefined): Promise<string> {
    if (asked) {
      const tenant = await this.deps.db.asOwner((db) => store.findTenant(db, asked));
      if (tenant) return tenant.id;
    }
    return this.deps.config.defaultTenant;
  }
}

export type { LoginInput, RequestMeta, TokenSet } from './identity.tokens';
export { SecretBox };
