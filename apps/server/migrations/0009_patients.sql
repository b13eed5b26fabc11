-- Patients: per-tenant registration settings, medical record numbers (a counter that only moves forward
-- and a ledger of every number ever issued, so none is issued twice), the blocking keys duplicate
-- detection looks candidates up by, and the record of every merge (to audit and to undo it).

CREATE TABLE patient_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The last number issued per tenant. Allocation is one UPDATE ... RETURNING on this row, so concurrent
-- registrations serialise on its lock and never draw the same number.
CREATE TABLE patient_mrn_counter (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  last_value bigint NOT NULL
);

-- Every medical record number in use or ever used; rows are never deleted, so a number is never reused.
CREATE TABLE patient_mrn (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  value text NOT NULL,
  patient_id text NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, value)
);
CREATE INDEX patient_mrn_patient ON patient_mrn (tenant_id, patient_id);

-- Blocking keys of each current Patient (phonetic name codes with birth year, birth date, phone, email,
-- identifiers), kept in step with every Patient write; candidates share at least one key.
CREATE TABLE patient_match_key (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  key text NOT NULL,
  patient_id text NOT NULL,
  PRIMARY KEY (tenant_id, key, patient_id)
);
CREATE INDEX patient_match_key_patient ON patient_match_key (tenant_id, patient_id);

CREATE TABLE patient_merge (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  source_id text NOT NULL,
  target_id text NOT NULL,
  merged_at timestamptz NOT NULL,
  merged_by text,
  -- Every resource whose references moved: type, id, version before and after, and the JSON paths changed.
  moved jsonb NOT NULL,
  -- The source and target as they were before the merge (version ids and what the merge changed).
  before jsonb NOT NULL,
  undone_at timestamptz,
  undone_by text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX patient_merge_source ON patient_merge (tenant_id, source_id);
CREATE INDEX patient_merge_target ON patient_merge (tenant_id, target_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patient_settings', 'patient_mrn_counter', 'patient_mrn', 'patient_match_key', 'patient_merge'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON patient_settings, patient_mrn_counter, patient_merge TO meridian_app;
GRANT SELECT, INSERT ON patient_mrn TO meridian_app;
GRANT SELECT, INSERT, DELETE ON patient_match_key TO meridian_app;
