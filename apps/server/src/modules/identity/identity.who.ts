import type { Database } from '../../platform/db';
import { identityErrors } from './identity.errors';
import type { Principal } from './identity.schemas';
import * as store from './identity.store';
import type { RequestMeta } from './identity.tokens';

/** The account behind a signed-in user (service clients have none). */
export async function userOf(db: Database, principal: Principal): Promise<store.UserRow> {
  if (!principal.userId) throw identityErrors.invalidRequest('Only users (not service clients) can do this');
  const user = await db.asOwner((q) => store.findUserById(q, principal.userId!));
  if (!user) throw identityErrors.userNotFound();
  return user;
}

/** Who did it and from where, as the audit trail records it. */
export function actorOf(principal: Principal, meta: RequestMeta) {
  return {
    tenantId: principal.tenantId,
    userId: principal.userId,
    clientId: principal.clientId,
    roles: principal.roles,
    ip: meta.ip,
    requestId: meta.requestId,
  };
}

/**
 * What `GET /auth/me` answers: the principal, the name of its tenant and, for a person's own sign-in
 * (not an app's token), their name and email, so the web app can say who and where without more calls.
 */
export async function whoAmI(db: Database, principal: Principal): Promise<Record<string, unknown>> {
  const { via: _via, ...answer } = principal;
  const tenant = await db.asOwner((q) => store.findTenant(q, principal.tenantId));
  const own = principal.kind === 'user' && principal.userId && !principal.clientId;
  const user = own ? await db.asOwner((q) => store.findUserById(q, principal.userId!)) : undefined;
  return {
    ...answer,
    ...(tenant ? { tenantName: tenant.name } : {}),
    ...(user ? { name: user.display_name, email: user.email } : {}),
  };
}
