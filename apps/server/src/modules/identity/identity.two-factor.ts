import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import type { SecretBox } from './identity.crypto';
import { identityErrors } from './identity.errors';
import type { Principal } from './identity.schemas';
import * as store from './identity.store';
import type { RequestMeta } from './identity.tokens';
import { checkTotp, newRecoveryCodes, newTotpEnrolment, type TotpEnrolment } from './identity.totp';
import { actorOf, userOf } from './identity.who';

export interface TwoFactorDeps {
  db: Database;
  audit: AuditService;
  box: SecretBox;
  now: () => Date;
  /** Drops a session from the sign-in cache once it is revoked. */
  forgetSession: (tenantId: string, sessionId: string) => void;
}

/** TOTP two-factor sign-in: enrolment with a QR code, confirmation with recovery codes, reset by an admin. */
export class TwoFactorService {
  constructor(private readonly deps: TwoFactorDeps) {}

  /** Starts enrolment: a new secret (sealed at rest) and its otpauth URI and QR code. */
  async start(principal: Principal): Promise<TotpEnrolment> {
    const user = await userOf(this.deps.db, principal);
    if (user.totp_enabled)
      throw identityErrors.invalidRequest('Two-factor sign-in is already on; an admin can reset it');
    const enrolment = await newTotpEnrolment('Meridian', user.email);
    await this.deps.db.asOwner((db) => store.setPendingTotp(db, user.id, this.deps.box.seal(enrolment.secret)));
    return enrolment;
  }

  /** Confirms enrolment with a first code; answers the recovery codes, shown this once. */
  async confirm(principal: Principal, code: string, meta: RequestMeta): Promise<{ recoveryCodes: string[] }> {
    const user = await userOf(this.deps.db, principal);
    if (!user.totp_secret || user.totp_enabled) throw identityErrors.mfaNotEnrolled();
    const step = await checkTotp(this.deps.box.open(user.totp_secret), code, this.deps.now(), null);
    if (step === undefined) throw identityErrors.mfaInvalid();
    const { codes, hashes } = newRecoveryCodes();
    await this.deps.db.asOwner((db) => store.enableTotp(db, user.id, step, hashes));
    await this.deps.audit.record({ ...actorOf(principal, meta), action: 'mfa-enrolled', outcome: 'success' });
    return { recoveryCodes: codes };
  }

  /** An admin turns a member's two-factor off (lost phone) and ends their sign-ins. */
  async reset(admin: Principal, userId: string, meta: RequestMeta): Promise<void> {
    const member = await this.deps.db.asOwner((db) => store.membershipsOf(db, userId));
    const inTenant = member.some((m) => m.tenant_id === admin.tenantId);
    if (!inTenant && !admin.roles.includes('super_admin')) throw identityErrors.userNotFound();
    if (!member.length) throw identityErrors.userNotFound();
    await this.deps.db.asOwner((db) => store.resetTotp(db, userId));
    await this.deps.db.transaction(admin.tenantId, async (tx) => {
      const ids = await store.revokeUserSessions(tx, admin.tenantId, userId, 'mfa-reset', this.deps.now());
      for (const id of ids) this.deps.forgetSession(admin.tenantId, id);
      await this.deps.audit.append(tx, {
        ...actorOf(admin, meta),
        action: 'mfa-reset',
        outcome: 'success',
        detail: `user ${userId}`,
      });
    });
  }
}
