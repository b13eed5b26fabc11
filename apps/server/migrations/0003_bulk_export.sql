-- Bulk Data $export jobs. The work runs in the background of a server process; the row is what makes a
-- job survive a restart: a job whose heartbeat has stopped is picked up again (from the start) by the
-- next process that looks, and given up as failed after a few attempts.

CREATE TABLE fhir_export_job (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('accepted', 'in-progress', 'completed', 'failed')),
  -- 'system', 'patient' or 'group'; group_id names the Group for a group export.
  level text NOT NULL CHECK (level IN ('system', 'patient', 'group')),
  group_id text,
  types text[],               -- _type; null means every type the level covers
  since timestamptz,          -- _since
  request_url text NOT NULL,  -- the kick-off URL, echoed in the manifest
  transaction_time timestamptz NOT NULL,
  progress text,
  manifest text,              -- the completion manifest (JSON) once completed
  error text,                 -- an OperationOutcome (JSON) once failed
  attempts integer NOT NULL DEFAULT 0,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX fhir_export_job_unfinished ON fhir_export_job (status, heartbeat_at)
  WHERE status IN ('accepted', 'in-progress');

ALTER TABLE fhir_export_job ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fhir_export_job
  USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON fhir_export_job TO meridian_app;
