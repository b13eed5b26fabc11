import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../platform/db';
import { AppError } from '../../platform/http';
import type { AuditService } from '../audit';
import * as adminStore from './identity.admin-store';
import { identityErrors } from './identity.errors';
import { metaOf, parseWith } from './identity.routes';
import { type Principal, ROLES, type Role } from './identity.schemas';
import type { IdentityService } from './identity.service';

/**
 * The tenant admin console's account management: list the tenant's members, change their roles,
 * deactivate and reactivate their accounts. Every change is audited; every query is scoped to the
 * caller's tenant, so an admin of one tenant neither sees nor changes another tenant's members.
 */

/** Roles an admin can give a person; `system` belongs to service clients only. */
const PERSON_ROLES = ROLES.filter((role) => role !== 'system') as [Role, ...Role[]];
const ADMIN_ROLES: readonly Role[] = ['tenant_admin', 'super_admin'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const adminErrors = {
  selfLockout: (what: string) =>
    new AppError(409, 'IDENTITY_SELF_LOCKOUT', `You cannot ${what}: ask another admin to do it`),
  userShared: () =>
    new AppError(
      409,
      'IDENTITY_USER_SHARED',
      'This person also belongs to other tenants, so their account cannot be deactivated from here; change their roles instead',
    ),
};

const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  _count: z.coerce.number().int().min(1).max(200).default(50),
  _offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const rolesBody = z.object({
  roles: z
    .array(z.enum(PERSON_ROLES, { message: `must be one of ${PERSON_ROLES.join(', ')}` }))
    .min(1, 'give at least one role')
    .max(PERSON_ROLES.length),
});

export interface MemberView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  status: 'active' | 'locked' | 'deactivated';
  mfaEnabled: boolean;
  passwordChangeRequired: boolean;
  failedSignIns: number;
  lockedUntil: string | null;
  lastSignIn: string | null;
  createdAt: string;
}

function instant(value: string | Date | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function memberView(row: adminStore.MemberRow, now: Date): MemberView {
  const lockedUntil = instant(row.locked_until);
  const locked = lockedUntil !== null && new Date(lockedUntil) > now;
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    roles: row.roles,
    status: row.disabled ? 'deactivated' : locked ? 'locked' : 'active',
    mfaEnabled: row.totp_enabled,
    passwordChangeRequired: row.must_change_password,
    failedSignIns: row.failed_logins,
    lockedUntil: locked ? lockedUntil : null,
    lastSignIn: instant(row.last_sign_in),
    createdAt: instant(row.created_at)!,
  };
}

export interface IdentityAdminDeps {
  db: Database;
  audit: AuditService;
  identity: IdentityService;
  now: () => Date;
}

/** `/identity/users` listing and the member changes behind the admin console's Users screen. */
export function registerIdentityAdminRoutes(app: FastifyInstance, deps: IdentityAdminDeps): void {
  const { db, audit, identity, now } = deps;
  const tags = ['identity'];
  const admin = { access: 'tenant-admin' };

  const principalOf = (request: FastifyRequest): Principal => {
    if (!request.principal) throw identityErrors.authRequired();
    return request.principal;
  };

  /** The member in the caller's tenant; anything else (another tenant's user, a bad id) is not found. */
  const memberOf = async (caller: Principal, userId: string): Promise<adminStore.MemberRow> => {
    const member = UUID.test(userId)
      ? await db.asOwner((q) => adminStore.findMember(q, caller.tenantId, userId.toLowerCase()))
      : undefined;
    if (!member) throw identityErrors.userNotFound();
    return member;
  };

  const record = (
    request: FastifyRequest,
    caller: Principal,
    action: string,
    outcome: 'success' | 'denied',
    detail: string,
  ) =>
    audit.record({
      tenantId: caller.tenantId,
      userId: caller.userId,
      clientId: caller.clientId,
      roles: caller.roles,
      action,
      outcome,
      detail,
      ...metaOf(request),
    });

  /** Tenant admins may not touch super admins; refusals are on record too. */
  const refuse = async (request: FastifyRequest, caller: Principal, action: string, detail: string) => {
    await record(request, caller, action, 'denied', detail);
    return identityErrors.forbidden('tenant-admin');
  };

  app.get(
    '/identity/users',
    {
      config: admin,
      schema: { tags, summary: 'The tenant’s users with their roles, two-factor and sign-in state' },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      const query = parseWith(listQuery, request.query);
      const page = await db.asOwner((q) =>
        adminStore.listMembers(q, caller.tenantId, { q: query.q, limit: query._count, offset: query._offset }),
      );
      const at = now();
      reply.header('cache-control', 'no-store');
      return { total: page.total, offset: query._offset, users: page.members.map((row) => memberView(row, at)) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/identity/users/:id',
    { config: admin, schema: { tags, summary: 'One user of the tenant' } },
    async (request, reply) => {
      const member = await memberOf(principalOf(request), request.params.id);
      reply.header('cache-control', 'no-store');
      return memberView(member, now());
    },
  );

  app.put<{ Params: { id: string } }>(
    '/identity/users/:id/roles',
    {
      config: admin,
      schema: { tags, summary: 'Set a user’s roles in the tenant; removing a role ends their sign-ins' },
    },
    async (request) => {
      const caller = principalOf(request);
      const roles = [...new Set(parseWith(rolesBody, request.body).roles)].sort();
      const member = await memberOf(caller, request.params.id);
      const added = roles.filter((role) => !member.roles.includes(role));
      const removed = member.roles.filter((role) => !roles.includes(role));
      const change = [...added.map((role) => `+${role}`), ...removed.map((role) => `-${role}`)].join(' ');
      const detail = `user ${member.id}: ${change || 'unchanged'}`;
      const superAdmin = caller.roles.includes('super_admin');
      if (!superAdmin && [...added, ...removed, ...member.roles].includes('super_admin')) {
        throw await refuse(request, caller, 'user-roles-change', detail);
      }
      const self = member.id === caller.userId;
      if (
        self &&
        member.roles.some((role) => ADMIN_ROLES.includes(role)) &&
        !roles.some((r) => ADMIN_ROLES.includes(r))
      ) {
        throw adminErrors.selfLockout('remove your own admin role');
      }
      if (!change) return { user: memberView(member, now()), sessionsEnded: 0 };
      await db.asOwner((q) => adminStore.replaceRoles(q, caller.tenantId, member.id, roles));
      await record(request, caller, 'user-roles-change', 'success', detail);
      // Sign-ins carry the roles they started with: a removed role stops working only once they end.
      // Added roles apply from the next sign-in. An admin's own sign-in is left alone. Apps' grants are
      // kept: their tokens check the current roles on every request.
      const sessionsEnded =
        removed.length && !self
          ? await identity.revokeUserSessions(caller, member.id, metaOf(request), { keepDelegated: true })
          : 0;
      return { user: memberView(await memberOf(caller, member.id), now()), sessionsEnded };
    },
  );

  const setActive = async (request: FastifyRequest<{ Params: { id: string } }>, active: boolean) => {
    const caller = principalOf(request);
    const action = active ? 'user-reactivate' : 'user-deactivate';
    const member = await memberOf(caller, request.params.id);
    const superAdmin = caller.roles.includes('super_admin');
    if (!superAdmin && member.roles.includes('super_admin')) {
      throw await refuse(request, caller, action, `user ${member.id}`);
    }
    if (member.id === caller.userId) throw adminErrors.selfLockout('deactivate your own account');
    // The account is the person's in every tenant: one tenant's admin cannot shut it for the others.
    if ((await db.asOwner((q) => adminStore.otherTenantsOf(q, caller.tenantId, member.id))).length) {
      throw adminErrors.userShared();
    }
    if (member.disabled === !active) return { user: memberView(member, now()), sessionsEnded: 0 };
    await db.asOwner((q) => adminStore.setDisabled(q, member.id, !active));
    await record(request, caller, action, 'success', `user ${member.id}`);
    const sessionsEnded = active ? 0 : await identity.revokeUserSessions(caller, member.id, metaOf(request));
    return { user: memberView(await memberOf(caller, member.id), now()), sessionsEnded };
  };

  app.post<{ Params: { id: string } }>(
    '/identity/users/:id/deactivate',
    {
      config: admin,
      schema: { tags, summary: 'Deactivate a user: no more sign-ins, and their current sign-ins end at once' },
    },
    (request) => setActive(request, false),
  );

  app.post<{ Params: { id: string } }>(
    '/identity/users/:id/reactivate',
    { config: admin, schema: { tags, summary: 'Let a deactivated user sign in again' } },
    (request) => setActive(request, true),
  );
}
