import type { Role } from './roles';

export interface SessionUser {
  id: string;
  displayName: string;
  roles: Role[];
  /** The tenant this sign-in works in; the name is empty when the server does not give it. */
  tenant: { id: string; name: string };
}

/**
 * Who is using the app. `development` means the server has no sign-in API: the app runs as a development
 * user whose roles can be changed from the user menu.
 */
export type Session =
  | { status: 'signed-in'; mode: 'server'; user: SessionUser }
  | { status: 'signed-in'; mode: 'development'; user: SessionUser }
  | {
      status: 'signed-out';
      /** The session ended on its own (expired or revoked), not by signing out. */
      expired?: boolean;
      /** The server has no sign-in API: only the development user can continue. */
      signInUnavailable?: boolean;
    };
