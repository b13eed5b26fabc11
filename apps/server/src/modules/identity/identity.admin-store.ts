import type { Queryable } from '../../platform/db';
import type { Role } from './identity.schemas';

/**
 * SQL behind the tenant admin console: a tenant's members with their roles, sign-in state and last
 * sign-in; role changes; account deactivation. Memberships and users are read as the schema owner
 * (like the rest of identity), so every query names the tenant explicitly.
 */

export interface MemberRow {
  id: string;
  email: string;
  display_name: string;
  disabled: boolean;
  must_change_password: boolean;
  failed_logins: number;
  locked_until: string | Date | null;
  totp_enabled: boolean;
  roles: Role[];
  last_sign_in: string | Date | null;
  created_at: string | Date;
}

const MEMBER_SELECT = `
  SELECT u.id, u.email, u.display_name, u.disabled, u.must_change_password, u.failed_logins, u.locked_until,
         u.totp_enabled, u.created_at,
         array_agg(m.role ORDER BY m.role) AS roles,
         (SELECT max(s.created_at) FROM auth_session s
           WHERE s.tenant_id = $1 AND s.user_id = u.id) AS last_sign_in
    FROM membership m JOIN app_user u ON u.id = m.user_id
   WHERE m.tenant_id = $1`;

/** One page of the tenant's members, by name; `q` matches part of the email or the name. */
export async function listMembers(
  db: Queryable,
  tenantId: string,
  filter: { q?: string | undefined; limit: number; offset: number },
): Promise<{ total: number; members: MemberRow[] }> {
  const q = filter.q?.toLowerCase() ?? '';
  const matches = `($2 = '' OR position($2 in lower(u.email)) > 0 OR position($2 in lower(u.display_name)) > 0)`;
  const count = await db.query<{ n: number | string }>(
    `SELECT count(DISTINCT u.id) AS n FROM membership m JOIN app_user u ON u.id = m.user_id
      WHERE m.tenant_id = $1 AND ${matches}`,
    [tenantId, q],
  );
  const result = await db.query<MemberRow>(
    `${MEMBER_SELECT} AND ${matches}
     GROUP BY u.id
     ORDER BY lower(u.display_name), lower(u.email), u.id
     LIMIT $3 OFFSET $4`,
    [tenantId, q, filter.limit, filter.offset],
  );
  return { total: Number(count.rows[0]?.n ?? 0), members: result.rows };
}

/** One member of the tenant, or undefined when the user has no role there. */
export async function findMember(db: Queryable, tenantId: string, userId: string): Promise<MemberRow | undefined> {
  const result = await db.query<MemberRow>(`${MEMBER_SELECT} AND u.id = $2 GROUP BY u.id`, [tenantId, userId]);
  return result.rows[0];
}

/** The tenants, other than this one, where the user holds a role. */
export async function otherTenantsOf(db: Queryable, tenantId: string, userId: string): Promise<string[]> {
  const result = await db.query<{ tenant_id: string }>(
    'SELECT DISTINCT tenant_id FROM membership WHERE user_id = $1 AND tenant_id <> $2',
    [userId, tenantId],
  );
  return result.rows.map((row) => row.tenant_id);
}

/** Makes the member's roles in the tenant exactly `roles` (one statement each way). */
export async function replaceRoles(db: Queryable, tenantId: string, userId: string, roles: Role[]): Promise<void> {
  await db.query('DELETE FROM membership WHERE tenant_id = $1 AND user_id = $2 AND NOT (role = ANY($3::text[]))', [
    tenantId,
    userId,
    roles,
  ]);
  await db.query(
    `INSERT INTO membership (tenant_id, user_id, role)
     SELECT $1, $2, role FROM unnest($3::text[]) AS role
     ON CONFLICT DO NOTHING`,
    [tenantId, userId, roles],
  );
}

/** Turns the account off or on; a disabled account cannot sign in anywhere. */
export async function setDisabled(db: Queryable, userId: string, disabled: boolean): Promise<void> {
  await db.query('UPDATE app_user SET disabled = $2 WHERE id = $1', [userId, disabled]);
}
