-- The audit trail: append-only and hash-chained per tenant. Each row carries the hash of the row before
-- it and its own SHA-256 over a canonical serialisation, so altering, deleting or reordering a row
-- breaks the chain where it happened. The server's role may only insert and read.

CREATE TABLE audit_event (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  seq bigint NOT NULL,
  id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  action text NOT NULL,          -- login, logout, login-failed, read, search, create, update, delete, ...
  outcome text NOT NULL,         -- success, failure, denied
  user_id text,
  client_id text,
  roles text[] NOT NULL DEFAULT '{}',
  patient_id text,
  resource_type text,
  resource_id text,
  status integer,
  ip text,
  purpose_of_use text,
  request_id text,
  detail text,                   -- a short reason code, never patient data
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_event_time ON audit_event (tenant_id, recorded_at);
CREATE INDEX audit_event_patient ON audit_event (tenant_id, patient_id, recorded_at);
CREATE INDEX audit_event_user ON audit_event (tenant_id, user_id, recorded_at);

-- The last link of each tenant's chain. Writers lock this row, so two writers never fork the chain,
-- and verify compares it with the last row, so removing rows from the end is noticed too.
CREATE TABLE audit_chain_head (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);

ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_event USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant());
GRANT SELECT, INSERT ON audit_event TO meridian_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM meridian_app;

ALTER TABLE audit_chain_head ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_chain_head USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant());
GRANT SELECT, INSERT, UPDATE ON audit_chain_head TO meridian_app;
