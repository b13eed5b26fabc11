-- Notifications (email, SMS, in-app) with their delivery state, per-tenant template overrides, patients'
-- channel preferences; signed webhooks for integrators and their delivery log; the queue of FHIR
-- Subscription notifications (rest-hook and websocket channels).

-- One message to one recipient on one channel. A reminder is a row whose next_attempt_at is its due time.
-- The rendered text is kept so a retry sends what was first composed; it never reaches the logs.
CREATE TABLE notification (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  kind text NOT NULL,              -- appointment-confirmation, appointment-reminder, critical-result, ...
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'in-app')),
  recipient text NOT NULL,         -- a FHIR reference (Patient/…, Practitioner/…) or user/<id>
  user_id uuid,                    -- in-app: the member who sees it (else matched by recipient = fhirUser)
  address text,                    -- email address or phone number
  language text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  html text,
  about text,                      -- what it concerns: Appointment/<id>, Observation/<id>, …
  dedupe_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  read_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX notification_due ON notification (next_attempt_at) WHERE status = 'queued';
CREATE INDEX notification_about ON notification (tenant_id, about);
CREATE INDEX notification_inbox ON notification (tenant_id, recipient, created_at) WHERE channel = 'in-app';

-- A tenant's own wording of a template (the shipped defaults live in the code).
CREATE TABLE notification_template (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  kind text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'in-app')),
  language text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text,
  PRIMARY KEY (tenant_id, kind, channel, language)
);

-- A patient's choice per channel (no row: allowed).
CREATE TABLE notification_preference (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  patient_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'in-app')),
  opted_out boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, patient_id, channel)
);

CREATE TABLE webhook_endpoint (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  url text NOT NULL,
  secret text NOT NULL,            -- sealed with SECRETS_ENCRYPTION_KEY when set
  event_types jsonb NOT NULL,      -- ["appointment.booked", ...] or ["*"]
  description text,
  created_at timestamptz NOT NULL,
  created_by text,
  deleted_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE webhook_delivery (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  event_id text NOT NULL,
  event_type text NOT NULL,
  payload text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, endpoint_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'queued';
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (tenant_id, endpoint_id, created_at);

-- FHIR Subscription work: activating a requested Subscription, and each notification of a matching write.
CREATE TABLE fhir_subscription_delivery (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('activate', 'notify')),
  subscription_id text NOT NULL,
  resource_type text,
  resource_id text,
  version_id integer,
  status text NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX fhir_subscription_delivery_due ON fhir_subscription_delivery (next_attempt_at) WHERE status = 'queued';
CREATE INDEX fhir_subscription_delivery_subscription ON fhir_subscription_delivery (tenant_id, subscription_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notification', 'notification_template', 'notification_preference', 'webhook_endpoint',
                           'webhook_delivery', 'fhir_subscription_delivery'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON notification, webhook_endpoint, webhook_delivery, fhir_subscription_delivery TO meridian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON notification_template, notification_preference TO meridian_app;
