-- Identity: users, their memberships in tenants with a role, service clients, sign-in sessions with
-- rotating refresh tokens, TOTP recovery codes and the keys that sign access tokens.
-- Users and clients are platform rows (sign-in finds them before any tenant is known); sessions and
-- memberships belong to a tenant and sit behind row-level security like every tenant-owned table.

ALTER TABLE tenant ADD COLUMN slug text UNIQUE;

CREATE TABLE app_user (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  disabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  totp_secret text,            -- sealed with SECRETS_ENCRYPTION_KEY when set
  totp_enabled boolean NOT NULL DEFAULT false,
  totp_last_step bigint,       -- the last accepted time step: a code is never accepted twice
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email ON app_user (lower(email));

CREATE TABLE user_recovery_code (
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  code_hash text NOT NULL,     -- SHA-256 of the code: codes are long random strings, not passwords
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE membership (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE service_client (
  client_id text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  name text NOT NULL,
  role text NOT NULL,
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- One row per sign-in (a refresh-token family). Revoking it ends every token issued under it at once.
CREATE TABLE auth_session (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  user_id uuid,
  client_id text,
  roles text[] NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX auth_session_id ON auth_session (id);
CREATE INDEX auth_session_user ON auth_session (tenant_id, user_id);

CREATE TABLE refresh_token (
  tenant_id uuid NOT NULL,
  token_hash text NOT NULL,
  session_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,          -- set when rotated; presenting it again is reuse
  PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX refresh_token_session ON refresh_token (tenant_id, session_id);

-- Keys that sign access tokens. Only the schema owner can read them; the private half is sealed with
-- SECRETS_ENCRYPTION_KEY when that is set.
CREATE TABLE signing_key (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  public_jwk text NOT NULL,
  private_jwk text NOT NULL,
  created_at timestamptz NOT NULL,
  retired_at timestamptz,       -- stops signing
  verify_until timestamptz      -- stops verifying (retired_at plus the longest access-token lifetime)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['membership', 'auth_session', 'refresh_token'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO meridian_app', t);
  END LOOP;
END
$$;
