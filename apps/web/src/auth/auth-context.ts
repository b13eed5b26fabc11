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
  /**
   * After the server moved this sign-in to another tenant: forgets everything fetched in the previous
   * one, calls `goHome` (with nothing cached left to show there), then starts the app afresh (every
   * screen mounted again) as `user` and tells the browser's other tabs.
   */
  enterSwitchedTenant(user: SessionUser, goHome: () => Promise<unknown>): Promise<void>;
  /** Development user only: preview the app as another role. */
  setDevelopmentRoles(roles: Role[]): void;
}

export const AuthContext = createContext<AuthContextValue | undefined>(undefined);
