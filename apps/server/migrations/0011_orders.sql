-- Orders and results: accession numbers (a per-tenant counter that only moves forward and a ledger of
-- every number ever issued, so none is issued twice) and the acknowledgements of results in clinicians'
-- inboxes. Orders, reports, observations and alerts themselves are FHIR resources.

-- The last accession number issued per tenant. Allocation is one INSERT ... ON CONFLICT DO UPDATE ...
-- RETURNING on this row, so concurrent orders serialise on its lock and never draw the same number.
CREATE TABLE order_accession_counter (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  last_value bigint NOT NULL
);

-- Every accession number in use or ever used; rows are never deleted, so a number is never reused.
CREATE TABLE order_accession (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  value text NOT NULL,
  service_request_id text NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, value)
);
CREATE INDEX order_accession_request ON order_accession (tenant_id, service_request_id);

-- A clinician's acknowledgement of a result: the report as it was issued when they read it (an amended
-- or corrected report is issued again and is new to them).
CREATE TABLE result_ack (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  report_id text NOT NULL,
  -- The account that acknowledged (user id, or service client id).
  acknowledged_by text NOT NULL,
  report_issued text NOT NULL,
  acknowledged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, report_id, acknowledged_by)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['order_accession_counter', 'order_accession', 'result_ack'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON order_accession_counter, result_ack TO meridian_app;
GRANT SELECT, INSERT ON order_accession TO meridian_app;
