/** The shapes sign-in and token calls exchange: what a caller sends and what it gets back. */

import type { Role } from './identity.schemas';

export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  tenant: string;
  /** Set on a first sign-in with a generated password. */
  password_change_required?: boolean;
}

/** Where a request came from, for the audit trail. */
export interface RequestMeta {
  ip?: string;
  requestId?: string;
}

export interface LoginInput {
  email: string;
  password: string;
  tenant?: string | undefined;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

/** Who a new sign-in (a session: one refresh-token family) is for. */
export interface SessionOpening {
  tenantId: string;
  userId?: string;
  clientId?: string;
  roles: Role[];
  /** A person's sign-in renews itself with refresh tokens; a service client's token does not. */
  refresh: boolean;
  /** Ends no later than this (a tenant switch keeps the lifetime of the sign-in it replaces). */
  until?: string | Date;
}

export interface TenantSwitchInput {
  /** The tenant to work in: id or slug, as sign-in takes it. */
  tenant: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}
