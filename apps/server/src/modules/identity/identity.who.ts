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
