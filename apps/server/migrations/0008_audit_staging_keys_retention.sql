-- Audit records written inside the transaction of the change they describe, a keyed chain, and retention.
--
-- audit_staged: a change's transaction inserts its audit record here (no sequence number, no hash), so the
-- change never commits without it, and the tenant's chain head is not locked for the length of every
-- write. Right after the commit the record is moved into audit_event and chained (a batch locks the head
-- once); a sweeper chains rows left behind by a crash. The server's role may insert and delete staged
-- rows, never change chained ones.
CREATE TABLE audit_staged (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid PRIMARY KEY,
  recorded_at timestamptz NOT NULL,
  action text NOT NULL,
  outcome text NOT NULL,
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
  detail text
);
CREATE INDEX audit_staged_tenant ON audit_staged (tenant_id, recorded_at);

ALTER TABLE audit_staged ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_staged USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant());
GRANT SELECT, INSERT, DELETE ON audit_staged TO meridian_app;

-- Keyed checkpoints of a tenant's chain (HMAC with the deployment's audit key, so they cannot be forged
-- with database rights alone):
--   keyed-from: records up to seq were chained with plain SHA-256 before the chain was keyed;
--   purged-to:  records up to seq were removed by retention; the chain resumes after (seq, hash).
-- Written by the schema owner only (startup and purge); the server's role cannot touch them.
CREATE TABLE audit_checkpoint (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  kind text NOT NULL CHECK (kind IN ('keyed-from', 'purged-to')),
  seq bigint NOT NULL,
  hash text NOT NULL,
  created_at timestamptz NOT NULL,
  mac text NOT NULL,
  PRIMARY KEY (tenant_id, kind, seq)
);

ALTER TABLE audit_checkpoint ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoint USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant());
REVOKE ALL ON audit_checkpoint FROM meridian_app;

-- The head's own keyed signature: removing records from the end and moving the head back needs the key.
ALTER TABLE audit_chain_head ADD COLUMN mac text;

-- Reports: a user's activity and a tenant's events of one kind (failed logins, exports, break-the-glass).
CREATE INDEX audit_event_client ON audit_event (tenant_id, client_id, recorded_at);
CREATE INDEX audit_event_action ON audit_event (tenant_id, action, recorded_at);
CREATE INDEX audit_event_purpose ON audit_event (tenant_id, purpose_of_use, recorded_at) WHERE purpose_of_use IS NOT NULL;
