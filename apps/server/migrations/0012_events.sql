-- Domain events: a transactional outbox (each event is written in the transaction of the change it
-- describes), a per-tenant sequence that numbers a tenant's events in commit order, and the delivery state
-- of each durable subscriber (its position, its lease, and per event: done, waiting for a retry, or dead).

-- The last sequence number issued per tenant. Publishing is one UPDATE ... RETURNING on this row, so a
-- tenant's publishing transactions take their numbers in the order they commit and no number is skipped.
CREATE TABLE event_counter (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  last_value bigint NOT NULL
);

CREATE TABLE event_outbox (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  seq bigint NOT NULL,
  id uuid NOT NULL,
  type text NOT NULL,
  version integer NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  data jsonb NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, seq),
  UNIQUE (tenant_id, id)
);
CREATE INDEX event_outbox_aggregate ON event_outbox (tenant_id, aggregate_type, aggregate_id, seq);
CREATE INDEX event_outbox_type ON event_outbox (tenant_id, type, seq);

-- One row per tenant and subscriber: every event up to position is done or dead for it. The lease lets
-- one process at a time deliver a tenant's events to a subscriber (another takes over when it expires).
CREATE TABLE event_subscription (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  subscriber text NOT NULL,
  position bigint NOT NULL DEFAULT 0,
  lease_owner text,
  lease_until timestamptz,
  PRIMARY KEY (tenant_id, subscriber)
);

-- What happened to one event for one subscriber: done, retry (waiting until next_attempt_at) or dead
-- (attempts exhausted: the dead-letter list, replayable by an admin).
CREATE TABLE event_delivery (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  subscriber text NOT NULL,
  event_seq bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('done', 'retry', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, subscriber, event_seq),
  UNIQUE (tenant_id, id)
);
CREATE INDEX event_delivery_status ON event_delivery (tenant_id, status, subscriber);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['event_counter', 'event_outbox', 'event_subscription', 'event_delivery'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON event_counter, event_subscription, event_delivery TO meridian_app;
GRANT SELECT, INSERT ON event_outbox TO meridian_app;
