import type { Config } from '../../config';
import type { Database } from '../../platform/db';
import type { SecretBox } from './identity.crypto';
import * as store from './identity.store';
import { checkTotp, recoveryCodeHash } from './identity.totp';

/**
 * The checks every way into a tenant shares (sign-in and tenant switch): the lockout after repeated
 * failures and the second factor. One copy, so a way in cannot be weaker than another.
 */

export interface SignInCheckDeps {
  db: Database;
  config: Pick<Config, 'loginMaxFailures' | 'loginLockoutSeconds'>;
  box: SecretBox;
}

/** Seconds until the account's lock ends, or undefined when it is not locked at `now`. */
export function lockedFor(user: Pick<store.UserRow, 'locked_until'>, now: Date): number | undefined {
  if (!user.locked_until || new Date(user.locked_until) <= now) return undefined;
  return secondsUntil(user.locked_until, now);
}

/** Counts a failed attempt at a password or a code; answers the seconds the account is now locked for, if it is. */
export async function countFailedAttempt(
  deps: SignInCheckDeps,
  userId: string,
  now: Date,
): Promise<number | undefined> {
  const { config } = deps;
  const result = await deps.db.asOwner((q) =>
    store.recordFailedLogin(q, userId, now, config.loginMaxFailures, config.loginLockoutSeconds),
  );
  return lockedFor(result, now);
}

export interface SecondFactorProof {
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorResult =
  | { ok: true; method: 'totp' | 'recovery-code' }
  | { ok: false; reason: 'missing' | 'wrong-totp' | 'wrong-recovery-code' };

/**
 * Checks the second factor of a user with two-factor sign-in on. A TOTP code is accepted once (its time
 * step is claimed), a recovery code once (it is marked used).
 */
export async function checkSecondFactor(
  deps: SignInCheckDeps,
  user: store.UserRow,
  proof: SecondFactorProof,
  now: Date,
): Promise<SecondFactorResult> {
  const { db } = deps;
  if (proof.totp) {
    const lastStep = user.totp_last_step === null ? null : Number(user.totp_last_step);
    const step = await checkTotp(deps.box.open(user.totp_secret!), proof.totp, now, lastStep);
    const claimed = step !== undefined && (await db.asOwner((q) => store.claimTotpStep(q, user.id, step)));
    return claimed ? { ok: true, method: 'totp' } : { ok: false, reason: 'wrong-totp' };
  }
  if (proof.recoveryCode) {
    const used = await db.asOwner((q) => store.useRecoveryCode(q, user.id, recoveryCodeHash(proof.recoveryCode!), now));
    return used ? { ok: true, method: 'recovery-code' } : { ok: false, reason: 'wrong-recovery-code' };
  }
  return { ok: false, reason: 'missing' };
}

export function secondsUntil(instant: string, now: Date): number {
  return Math.max(1, Math.ceil((new Date(instant).getTime() - now.getTime()) / 1000));
}
