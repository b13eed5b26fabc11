-- Meridian's first schema: tenants, the FHIR resource store with its history, and the search index.
-- Every tenant-owned table carries tenant_id and a row-level security policy, so a statement run as
-- meridian_app sees only the tenant named in the app.tenant_id setting, whatever its WHERE clause says.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'meridian_app') THEN
    CREATE ROLE meridian_app NOLOGIN;
  END IF;
END
$$;
GRANT meridian_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO meridian_app;

CREATE FUNCTION meridian_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE tenant (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON tenant TO meridian_app;

-- The current version of every resource. content is the resource JSON exactly as served (meta included).
CREATE TABLE fhir_resource (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id bigint NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  content text,
  PRIMARY KEY (tenant_id, resource_type, id)
);
CREATE INDEX fhir_resource_updated ON fhir_resource (tenant_id, resource_type, last_updated, id);

-- Every version ever written, deletions included (content null).
CREATE TABLE fhir_resource_history (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  id text NOT NULL,
  version_id bigint NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  method text NOT NULL,
  content text,
  PRIMARY KEY (tenant_id, resource_type, id, version_id)
);
CREATE INDEX fhir_history_system ON fhir_resource_history (tenant_id, last_updated);
CREATE INDEX fhir_history_type ON fhir_resource_history (tenant_id, resource_type, last_updated);

-- Search index: one table per search parameter type, one row per indexed value.
CREATE TABLE fhir_sp_string (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  value text NOT NULL,       -- lower case, accents removed: what default and :contains match
  exact text NOT NULL        -- as written: what :exact matches
);
CREATE INDEX fhir_sp_string_value ON fhir_sp_string (tenant_id, resource_type, code, value text_pattern_ops);
CREATE INDEX fhir_sp_string_resource ON fhir_sp_string (tenant_id, resource_type, resource_id);
CREATE INDEX fhir_sp_string_trgm ON fhir_sp_string USING gin (value gin_trgm_ops);

CREATE TABLE fhir_sp_token (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  system text,
  value text,
  display text               -- lower case text of the coding or CodeableConcept, for :text
);
CREATE INDEX fhir_sp_token_value ON fhir_sp_token (tenant_id, resource_type, code, value, system);
CREATE INDEX fhir_sp_token_resource ON fhir_sp_token (tenant_id, resource_type, resource_id);

CREATE TABLE fhir_sp_reference (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  target_type text,
  target_id text,
  url text                    -- absolute or canonical references that do not point into this server
);
CREATE INDEX fhir_sp_reference_target ON fhir_sp_reference (tenant_id, resource_type, code, target_id);
CREATE INDEX fhir_sp_reference_resource ON fhir_sp_reference (tenant_id, resource_type, resource_id);
CREATE INDEX fhir_sp_reference_reverse ON fhir_sp_reference (tenant_id, target_type, target_id);

CREATE TABLE fhir_sp_date (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  low timestamptz,            -- null: open towards the past
  high timestamptz            -- null: open towards the future
);
CREATE INDEX fhir_sp_date_range ON fhir_sp_date (tenant_id, resource_type, code, low, high);
CREATE INDEX fhir_sp_date_resource ON fhir_sp_date (tenant_id, resource_type, resource_id);

CREATE TABLE fhir_sp_number (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  value numeric NOT NULL,
  low numeric NOT NULL,       -- the range implied by the value's precision
  high numeric NOT NULL
);
CREATE INDEX fhir_sp_number_value ON fhir_sp_number (tenant_id, resource_type, code, value);
CREATE INDEX fhir_sp_number_resource ON fhir_sp_number (tenant_id, resource_type, resource_id);

CREATE TABLE fhir_sp_quantity (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  system text,
  unit text,                  -- the coded unit, or the display unit when there is no code
  value numeric NOT NULL,
  low numeric NOT NULL,
  high numeric NOT NULL
);
CREATE INDEX fhir_sp_quantity_value ON fhir_sp_quantity (tenant_id, resource_type, code, value);
CREATE INDEX fhir_sp_quantity_resource ON fhir_sp_quantity (tenant_id, resource_type, resource_id);

CREATE TABLE fhir_sp_uri (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  value text NOT NULL
);
CREATE INDEX fhir_sp_uri_value ON fhir_sp_uri (tenant_id, resource_type, code, value text_pattern_ops);
CREATE INDEX fhir_sp_uri_resource ON fhir_sp_uri (tenant_id, resource_type, resource_id);

-- Composite parameters: the values of each component taken from the same element, in a JSON array
-- of component rows, with the first component's token key pulled out for the index.
CREATE TABLE fhir_sp_composite (
  tenant_id uuid NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  code text NOT NULL,
  first_key text NOT NULL,    -- 'system|code' (or the first component's normalised value)
  components jsonb NOT NULL
);
CREATE INDEX fhir_sp_composite_key ON fhir_sp_composite (tenant_id, resource_type, code, first_key);
CREATE INDEX fhir_sp_composite_resource ON fhir_sp_composite (tenant_id, resource_type, resource_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['fhir_resource', 'fhir_resource_history', 'fhir_sp_string', 'fhir_sp_token',
    'fhir_sp_reference', 'fhir_sp_date', 'fhir_sp_number', 'fhir_sp_quantity', 'fhir_sp_uri', 'fhir_sp_composite']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO meridian_app', t);
  END LOOP;
END
$$;
