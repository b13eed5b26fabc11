/** The shapes sign-in and token calls exchange: what a caller sends and what it gets back. */

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
