import type { Queryable } from '../../platform/db';
import type { Role } from './identity.schemas';

/**
 * Identity's SQL. Users, tenants and clients are platform rows, read and written as the schema owner
 * (sign-in finds them before a tenant is known); sessions and refresh tokens are tenant rows, written on
 * a tenant-scoped transaction behind row-level security.
 */

export interface TenantRow {
  id: string;
  name: string;
  slug: string | null;
}

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  must_change_password: boolean;
  disabled: boolean;
  failed_logins: number;
  locked_until: string | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: number | string | null;
}

export interface ClientRow {
  client_id: string;
  tenant_id: string;
  name: string;
  role: Role;
  secret_hash: string;
  revoked_at: string | null;
}

export interface SessionRow {
  tenant_id: string;
  id: string;
  user_id: string | null;
  client_id: string | null;
  roles: Role[];
  expires_at: string;
  revoked_at: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// --- Platform rows (schema owner) ---

export async function findTenant(db: Queryable, idOrSlug: string): Promise<TenantRow | undefined> {
  const result = UUID.test(idOrSlug)
    ? await db.query<TenantRow>('SELECT id, name, slug FROM tenant WHERE id = $1', [idOrSlug.toLowerCase()])
    : await db.query<TenantRow>('SELECT id, name, slug FROM tenant WHERE slug = $1', [idOrSlug]);
  return result.rows[0];
}

export async function insertTenant(db: Queryable, tenant: TenantRow): Promise<boolean> {
  const result = await db.query('INSERT INTO tenant (id, name, slug) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    tenant.id,
    tenant.name,
    tenant.slug,
  ]);
  return result.rowCount === 1;
}

export async function countUsers(db: Queryable): Promise<number> {
  const result = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM app_user');
  return Number(result.rows[0]?.n ?? 0);
}

const USER_COLUMNS = `id, email, display_name, password_hash, must_change_password, disabled, failed_logins,
  locked_until, totp_secret, totp_enabled, totp_last_step`;

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user WHERE lower(email) = lower($1)`, [
    email,
  ]);
  return result.rows[0];
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const result = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
  return result.rows[0];
}

export async function insertUser(
  db: Queryable,
  user: { id: string; email: string; displayName: string; passwordHash: string; mustChangePassword: boolean },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO app_user (id, email, display_name, password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [user.id, user.email, user.displayName, user.passwordHash, user.mustChangePassword],
  );
  return result.rowCount === 1;
}

export async function insertMembership(
  db: Queryable,
  tenantId: string,
  userId: string,
  role: Role,
  fhirUser?: string,
): Promise<void> {
  await db.query(
    `INSERT INTO membership (tenant_id, user_id, role, fhir_user) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, user_id, role) DO UPDATE SET fhir_user = coalesce(EXCLUDED.fhir_user, membership.fhir_user)`,
    [tenantId, userId, role, fhirUser ?? null],
  );
}

export async function membershipsOf(db: Queryable, userId: string): Promise<{ tenant_id: string; role: Role }[]> {
  const result = await db.query<{ tenant_id: string; role: Role }>(
    'SELECT tenant_id, role FROM membership WHERE user_id = $1 ORDER BY tenant_id, role',
    [userId],
  );
  return result.rows;
}

/** The tenants a user holds a role in, with those roles, by name. */
export async function tenantsOf(db: Queryable, userId: string): Promise<(TenantRow & { roles: Role[] })[]> {
  const result = await db.query<TenantRow & { roles: Role[] }>(
    `SELECT t.id, t.name, t.slug, array_agg(m.role ORDER BY m.role) AS roles
       FROM membership m JOIN tenant t ON t.id = m.tenant_id
      WHERE m.user_id = $1
      GROUP BY t.id, t.name, t.slug
      ORDER BY lower(t.name), t.id`,
    [userId],
  );
  return result.rows;
}

/** The FHIR resource a member is in a tenant (`Practitioner/…`, `Patient/…`), when one of their memberships names it. */
export async function fhirUserOf(db: Queryable, tenantId: string, userId: string): Promise<string | undefined> {
  const result = await db.query<{ fhir_user: string }>(
    `SELECT fhir_user FROM membership WHERE tenant_id = $1 AND user_id = $2 AND fhir_user IS NOT NULL
     ORDER BY role LIMIT 1`,
    [tenantId, userId],
  );
  return result.rows[0]?.fhir_user;
}

/**
 * Counts a failed sign-in in one statement (so concurrent guesses all count) and locks the account once
 * the count reaches `maxFailures`: for `baseSeconds`, doubling with each further failure, at most an hour.
 */
export async function recordFailedLogin(
  db: Queryable,
  userId: string,
  now: Date,
  maxFailures: number,
  baseSeconds: number,
): Promise<{ failed_logins: number; locked_until: string | null }> {
  const result = await db.query<{ failed_logins: number; locked_until: string | null }>(
    `UPDATE app_user SET failed_logins = failed_logins + 1,
       locked_until = CASE WHEN failed_logins + 1 >= $3
         THEN $2::timestamptz + make_interval(secs => LEAST(3600, $4 * power(2, failed_logins + 1 - $3)))
         ELSE locked_until END
     WHERE id = $1 RETURNING failed_logins, locked_until`,
    [userId, now.toISOString(), maxFailures, baseSeconds],
  );
  return result.rows[0]!;
}

export async function clearFailedLogins(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1 AND failed_logins > 0', [
    userId,
  ]);
}

export async function updatePassword(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE app_user SET password_hash = $2, must_change_password = false WHERE id = $1', [
    userId,
    passwordHash,
  ]);
}

export async function setPendingTotp(db: Queryable, userId: string, sealedSecret: string): Promise<void> {
  await db.query('UPDATE app_user SET totp_secret = $2, totp_enabled = false, totp_last_step = NULL WHERE id = $1', [
    userId,
    sealedSecret,
  ]);
}

export async function enableTotp(db: Queryable, userId: string, step: number, recoveryHashes: string[]): Promise<void> {
  await db.query('UPDATE app_user SET totp_enabled = true, totp_last_step = $2 WHERE id = $1', [userId, step]);
  await db.query('DELETE FROM user_recovery_code WHERE user_id = $1', [userId]);
  for (const hash of recoveryHashes) {
    await db.query('INSERT INTO user_recovery_code (user_id, code_hash) VALUES ($1, $2)', [userId, hash]);
  }
}

/** Moves the last accepted step forward, only if no one accepted this step (or a later one) meanwhile. */
export async function claimTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const result = await db.query(
    'UPDATE app_user SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)',
    [userId, step],
  );
  return result.rowCount === 1;
}

export async function useRecoveryCode(db: Queryable, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const result = await db.query(
    'UPDATE user_recovery_code SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL',
    [userId, codeHash, now.toISOString()],
  );
  return result.rowCount === 1;
}

export async function resetTotp(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE app_user SET totp_secret = NULL, totp_enabled = false, totp_last_step = NULL WHERE id = $1', [
    userId,
  ]);
  await db.query('DELETE FROM user_recovery_code WHERE user_id = $1', [userId]);
}

export async function insertClient(db: Queryable, client: Omit<ClientRow, 'revoked_at'>): Promise<void> {
  await db.query(
    'INSERT INTO service_client (client_id, tenant_id, name, role, secret_hash) VALUES ($1, $2, $3, $4, $5)',
    [client.client_id, client.tenant_id, client.name, client.role, client.secret_hash],
  );
}

export async function findClient(db: Queryable, clientId: string): Promise<ClientRow | undefined> {
  const result = await db.query<ClientRow>(
    'SELECT client_id, tenant_id, name, role, secret_hash, revoked_at FROM service_client WHERE client_id = $1',
    [clientId],
  );
  return result.rows[0];
}

// --- Tenant rows (tenant-scoped transaction) ---

export async function insertSession(
  tx: Queryable,
  session: Omit<SessionRow, 'revoked_at'> & { created_at: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO auth_session (tenant_id, id, user_id, client_id, roles, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      session.tenant_id,
      session.id,
      session.user_id,
      session.client_id,
      session.roles,
      session.created_at,
      session.expires_at,
    ],
  );
}

export async function findSession(db: Queryable, tenantId: string, sessionId: string): Promise<SessionRow | undefined> {
  const result = await db.query<SessionRow>(
    `SELECT tenant_id, id, user_id, client_id, roles, expires_at, revoked_at FROM auth_session
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, sessionId],
  );
  return result.rows[0];
}

export async function revokeSession(
  tx: Queryable,
  tenantId: string,
  sessionId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const result = await tx.query(
    `UPDATE auth_session SET revoked_at = $3, revoked_reason = $4
     WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
    [tenantId, sessionId, now.toISOString(), reason],
  );
  return result.rowCount === 1;
}

export async function revokeUserSessions(tx: Queryable, tenantId: string, userId: string, reason: string, now: Date) {
  const result = await tx.query<{ id: string }>(
    `UPDATE auth_session SET revoked_at = $3, revoked_reason = $4
     WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
    [tenantId, userId, now.toISOString(), reason],
  );
  return result.rows.map((row) => row.id);
}

export async function insertRefreshToken(
  tx: Queryable,
  token: { tenantId: string; hash: string; sessionId: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO refresh_token (tenant_id, token_hash, session_id, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [token.tenantId, token.hash, token.sessionId, token.createdAt, token.expiresAt],
  );
}

/** The refresh token and its session, locked: two refreshes with one token cannot both rotate it. */
export async function lockRefreshToken(
  tx: Queryable,
  tenantId: string,
  hash: string,
): Promise<{ session_id: string; used_at: string | null; expires_at: string } | undefined> {
  const result = await tx.query<{ session_id: string; used_at: string | null; expires_at: string }>(
    `SELECT session_id, used_at, expires_at FROM refresh_token WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE`,
    [tenantId, hash],
  );
  return result.rows[0];
}

export async function markRefreshTokenUsed(tx: Queryable, tenantId: string, hash: string, now: Date): Promise<void> {
  await tx.query('UPDATE refresh_token SET used_at = $3 WHERE tenant_id = $1 AND token_hash = $2', [
    tenantId,
    hash,
    now.toISOString(),
  ]);
}
