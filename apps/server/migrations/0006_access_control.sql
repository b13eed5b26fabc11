-- Access control: each tenant's policy (roles × resource types × interactions, as data a tenant admin
-- changes through the API), break-the-glass grants, the alerts they raise for the tenant's admins, the
-- FHIR resource each member is (to know which Patient a patient user is), and the requester's access
-- kept with each bulk export job.

ALTER TABLE membership ADD COLUMN fhir_user text;

-- One policy document per tenant; a tenant without a row uses the built-in defaults.
CREATE TABLE access_policy (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  document text NOT NULL,        -- JSON: { clinicianAccess, rules: [{ role, resources, interactions, effect }] }
  version integer NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text
);

CREATE TABLE access_break_glass (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  subject text NOT NULL,         -- the user (or client) id the grant is for
  patient_id text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX access_break_glass_subject ON access_break_glass (tenant_id, subject, expires_at);

CREATE TABLE access_alert (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  kind text NOT NULL,            -- break-the-glass
  created_at timestamptz NOT NULL,
  subject text NOT NULL,
  patient_id text,
  detail text NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX access_alert_time ON access_alert (tenant_id, created_at);

ALTER TABLE fhir_export_job ADD COLUMN access_scope text;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['access_policy', 'access_break_glass', 'access_alert'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO meridian_app', t);
  END LOOP;
END
$$;
