import type { Config } from '../../config';
import type { Database, Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { SecretBox } from './identity.crypto';
import { identityErrors } from './identity.errors';
import type { Principal, Role } from './identity.schemas';
import { checkSecondFactor, countFailedAttempt, lockedFor } from './identity.sign-in-checks';
import * as store from './identity.store';
import type { RequestMeta, SessionOpening, TenantSwitchInput, TokenSet } from './identity.tokens';
import { actorOf, userOf } from './identity.who';

export interface TenantSwitchDeps {
  db: Database;
  config: Pick<Config, 'loginMaxFailures' | 'loginLockoutSeconds'>;
  audit: AuditService;
  box: SecretBox;
  now: () => Date;
  /** Sign-in's own way of opening a session and issuing its tokens. */
  openSession: (tx: Queryable, who: SessionOpening) => Promise<TokenSet>;
  /** Sign-out's own way of ending a sign-in; false when it had already ended. */
  endSignIn: (principal: Principal, meta: RequestMeta, reason: string, detail: string) => Promise<boolean>;
}

/** A tenant the signed-in person belongs to, as the tenant menu shows it. */
export interface MemberTenant {
  id: string;
  name: string;
  slug: string | null;
  roles: Role[];
  /** The tenant this sign-in works in. */
  current: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A person in several tenants moves their sign-in from one to another without signing out. The switch
 * is a sign-in into the target tenant (its session opened by sign-in's own code, with the roles the
 * person holds there) and a sign-out from the current one, so a browser holds one tenant at a time.
 *
 * Rules: only a person's own sign-in (not a service client, not an app's SMART token, whose grant is for
 * one tenant); an active membership in the target (the account not deactivated, a role there); the
 * account not locked; and, when the account has two-factor sign-in, a fresh TOTP or recovery code every
 * time, so a stolen session cookie cannot reach the person's other tenants. The new sign-in ends when
 * the old one would have: switching back and forth never extends a sign-in.
 */
export class TenantSwitchService {
  constructor(private readonly deps: TenantSwitchDeps) {}

  /** The tenants the caller belongs to, by name, the current one marked. */
  async tenants(principal: Principal): Promise<MemberTenant[]> {
    await this.ownSignIn(principal);
    const rows = await this.deps.db.asOwner((q) => store.tenantsOf(q, principal.userId!));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      slug: row.slug,
      roles: row.roles,
      current: row.id === principal.tenantId,
    }));
  }

  async switchTo(principal: Principal, input: TenantSwitchInput, meta: RequestMeta): Promise<TokenSet> {
    const { db, audit } = this.deps;
    const now = this.deps.now();
    const from = await this.ownSignIn(principal);
    const user = await userOf(db, principal);
    const target = await db.asOwner((q) => store.findTenant(q, input.tenant));
    if (target?.id === principal.tenantId) {
      throw identityErrors.invalidRequest('You are already working in this tenant', 'tenant');
    }
    const refused = (outcome: 'denied' | 'failure', detail: string) =>
      audit.record({
        ...actorOf(principal, meta),
        action: 'login-failed',
        outcome,
        detail: `tenant-switch: ${detail}`,
      });

    const memberships = target ? await db.asOwner((q) => store.membershipsOf(q, user.id)) : [];
    const roles = memberships.filter((m) => m.tenant_id === target?.id).map((m) => m.role);
    // An unknown tenant and one the person is not in answer alike: the answer says nothing of other tenants.
    if (!target || roles.length === 0 || user.disabled) {
      await refused('denied', user.disabled ? 'account-deactivated' : 'not-member');
      throw identityErrors.switchNotMember();
    }
    const locked = lockedFor(user, now);
    if (locked) {
      await refused('denied', 'locked');
      throw identityErrors.accountLocked(locked);
    }
    let method = '';
    if (user.totp_enabled) {
      const factor = await checkSecondFactor(this.deps, user, input, now);
      if (!factor.ok && factor.reason === 'missing') throw identityErrors.switchMfaRequired();
      if (!factor.ok) {
        const lockedNow = await countFailedAttempt(this.deps, user.id, now);
        await refused('failure', factor.reason);
        throw lockedNow ? identityErrors.accountLocked(lockedNow) : identityErrors.switchMfaInvalid();
      }
      method = ` (${factor.method})`;
      if (user.failed_logins > 0) await db.asOwner((q) => store.clearFailedLogins(q, user.id));
    }

    // The old sign-in ends first. If it had already ended (signed out in another tab, revoked by an admin,
    // a second switch at the same moment), nothing is opened: one sign-in never becomes two.
    if (!(await this.deps.endSignIn(principal, meta, 'tenant-switch', `tenant-switch to ${target.id}`))) {
      throw identityErrors.invalidToken('its sign-in was ended');
    }
    const tokens = await db.transaction(target.id, async (tx) => {
      const issued = await this.deps.openSession(tx, {
        tenantId: target.id,
        userId: user.id,
        roles,
        refresh: true,
        until: from.expires_at,
      });
      await audit.append(tx, {
        tenantId: target.id,
        action: 'login',
        outcome: 'success',
        userId: user.id,
        roles,
        detail: `tenant-switch from ${principal.tenantId}${method}`,
        ip: meta.ip,
        requestId: meta.requestId,
      });
      return issued;
    });
    return user.must_change_password ? { ...tokens, password_change_required: true } : tokens;
  }

  /** The caller's session, when the caller is a person signed in through Meridian's own sign-in. */
  private async ownSignIn(principal: Principal): Promise<store.SessionRow> {
    const own = principal.kind === 'user' && principal.userId && !principal.clientId && UUID.test(principal.sessionId);
    if (!own) throw identityErrors.switchForbidden();
    const session = await this.deps.db.withTenant(principal.tenantId, (q) =>
      store.findSession(q, principal.tenantId, principal.sessionId),
    );
    if (!session || session.user_id !== principal.userId || session.client_id) throw identityErrors.switchForbidden();
    if (session.revoked_at || new Date(session.expires_at) <= this.deps.now()) {
      throw identityErrors.invalidToken('its sign-in was ended');
    }
    return session;
  }
}
