import type { ReactNode } from 'react';
import { ForbiddenPage } from '../shared/ForbiddenPage';
import { hasAnyRole, type Role } from './roles';
import { useAuth } from './useAuth';

/**
 * Hides a screen from users without the role. The server decides what data anyone gets; this only keeps
 * people from screens that would fail for them anyway.
 */
export function RequireRole({ roles, what, children }: { roles: readonly Role[]; what: string; children: ReactNode }) {
  const { user } = useAuth();
  if (!user || !hasAnyRole(user.roles, roles)) return <ForbiddenPage what={what} />;
  return <>{children}</>;
}
