-- Bed board: who lies in which bed, and every change of a bed's status. Wards, rooms and beds themselves
-- are FHIR Locations (the bed's status is Location.operationalStatus); these tables hold what FHIR does not:
-- the one-patient-per-bed fence and the history that occupancy and turnover are computed from.

-- One row per stay in one bed (an admission opens one, a transfer closes it and opens the next, a
-- discharge closes it). The partial unique indexes are the fence: while a row is open, no other open row
-- may name the same bed, the same patient or the same encounter, whatever path the write came by.
CREATE TABLE bed_occupancy (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  bed_id text NOT NULL,
  ward_id text,
  encounter_id text NOT NULL,
  patient_id text NOT NULL,
  -- When the stay began (the admission), carried over on transfers: length of stay counts from it.
  admitted_at timestamptz NOT NULL,
  -- In this bed since.
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  -- 'transfer' or 'discharge' once ended.
  ended_by text,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX bed_occupancy_one_per_bed ON bed_occupancy (tenant_id, bed_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX bed_occupancy_one_per_patient ON bed_occupancy (tenant_id, patient_id) WHERE ended_at IS NULL;
CREATE UNIQUE INDEX bed_occupancy_one_per_encounter ON bed_occupancy (tenant_id, encounter_id) WHERE ended_at IS NULL;
CREATE INDEX bed_occupancy_ward_ended ON bed_occupancy (tenant_id, ward_id, ended_at);

-- Every change of a bed's status (free, occupied, cleaning, blocked), through the bed board or a plain
-- FHIR write; from_status is null when the bed came into being. position orders changes made at one instant.
CREATE TABLE bed_status_change (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  position bigint GENERATED ALWAYS AS IDENTITY,
  bed_id text NOT NULL,
  ward_id text,
  from_status text,
  to_status text NOT NULL,
  at timestamptz NOT NULL,
  -- What happened: created, admit, transfer-in, transfer-out, discharge, cleaned, block, unblock, fhir.
  event text NOT NULL,
  by_user text,
  encounter_id text,
  reason text,
  PRIMARY KEY (tenant_id, position)
);
CREATE INDEX bed_status_change_bed ON bed_status_change (tenant_id, bed_id, position);
CREATE INDEX bed_status_change_ward ON bed_status_change (tenant_id, ward_id, at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bed_occupancy', 'bed_status_change'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON bed_occupancy TO meridian_app;
GRANT SELECT, INSERT ON bed_status_change TO meridian_app;
GRANT USAGE ON SEQUENCE bed_status_change_position_seq TO meridian_app;
