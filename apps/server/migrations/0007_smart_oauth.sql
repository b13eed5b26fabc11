-- SMART on FHIR / OpenID Connect provider.
-- Platform rows (read before any tenant is known: the token endpoint meets a client before its tenant,
-- the authorization endpoint a browser session before its user): the provider's own state, the apps
-- registered by tenant admins (each names its tenant) and the keys that sign ID tokens.
-- Tenant rows (behind row-level security): EHR launches and the launch context granted to an app.

-- Everything oidc-provider persists (sessions, interactions, codes, tokens, grants), one row per entity.
CREATE TABLE oauth_entity (
  model text NOT NULL,
  id text NOT NULL,
  payload text NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oauth_entity_grant ON oauth_entity (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oauth_entity_uid ON oauth_entity (uid) WHERE uid IS NOT NULL;
CREATE INDEX oauth_entity_expires ON oauth_entity (expires_at);

-- Apps registered by a tenant admin: public or confidential, with their redirect URIs and allowed
-- scopes; backend services carry a JWKS (or jwks_uri) for private_key_jwt.
CREATE TABLE smart_client (
  client_id text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  name text NOT NULL,
  metadata text NOT NULL,       -- the OAuth client metadata (JSON), secret included for confidential clients
  role text NOT NULL,           -- the role a backend service acts with (client_credentials)
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX smart_client_tenant ON smart_client (tenant_id);

-- Keys that sign ID tokens (private halves sealed with SECRETS_ENCRYPTION_KEY when set).
CREATE TABLE oauth_signing_key (
  kid text PRIMARY KEY,
  private_jwk text NOT NULL,
  created_at timestamptz NOT NULL
);

-- An EHR launch: the web app asks for one before opening an app with ?launch=<id>&iss=<fhir base>.
CREATE TABLE smart_launch (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id text NOT NULL,
  client_id text NOT NULL,
  user_id uuid,
  patient text,
  encounter text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- The launch context decided at authorization (patient picked or launched with), per grant.
CREATE TABLE smart_grant_context (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  grant_id text NOT NULL,
  user_id uuid,
  patient text,
  encounter text,
  fhir_user text,
  roles text[],                 -- set for sign-ins through an external identity provider (mapped roles)
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, grant_id)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['smart_launch', 'smart_grant_context'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO meridian_app', t);
  END LOOP;
END
$$;
