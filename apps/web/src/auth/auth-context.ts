import { createContext } from 'react';
import type { Credentials, LoginResult } from './auth-api';
import type { Role } from './roles';
import type { Session, SessionUser } from './session';

export interface AuthContextValue {
  session: Session;
  /** The signed-in user; components under the app frame can rely on it. */
  user: SessionUser | undefined;
  signIn(credentials: Credentials): Promise<LoginResult>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  signOut(): Promise<void>;
  /** Development user only: preview the app as another role. */
  setDevelopmentRoles(roles: Role[]): void;
}

export const AuthContext = createContext<AuthContextValue | undefined>(undefined);
