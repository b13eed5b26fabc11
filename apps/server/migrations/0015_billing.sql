-- Billing: a double-entry ledger (append-only; every entry balances per currency), payments and refunds,
-- the idempotency keys that make payment calls safe to retry, and the payment gateway's webhook events.
-- Catalog, charges, invoices, coverage and claims are FHIR resources; only the money movements live here.

-- The chart of accounts, per tenant (created on first use from the module's fixed list).
CREATE TABLE billing_ledger_account (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('asset', 'liability', 'revenue', 'contra-revenue', 'expense')),
  name text NOT NULL,
  PRIMARY KEY (tenant_id, code)
);

CREATE TABLE billing_journal_entry (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  -- Order of posting within the tenant (ties of occurred_at stay ordered).
  seq bigint GENERATED ALWAYS AS IDENTITY,
  kind text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  source text,                    -- what the entry is about: Invoice/<id>, ChargeItem/<id>, Payment/<id>, Claim/<id>
  memo text,
  recorded_by text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX billing_journal_entry_source ON billing_journal_entry (tenant_id, source);
CREATE INDEX billing_journal_entry_time ON billing_journal_entry (tenant_id, occurred_at);

-- Debits are positive, credits negative, in integer minor units of the line's currency.
CREATE TABLE billing_journal_line (
  tenant_id uuid NOT NULL,
  entry_id uuid NOT NULL,
  line_no integer NOT NULL,
  account text NOT NULL,
  party text,                     -- sub-ledger: Patient/<id> or Organization/<id> (payer)
  amount bigint NOT NULL CHECK (amount <> 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, entry_id, line_no),
  FOREIGN KEY (tenant_id, entry_id) REFERENCES billing_journal_entry (tenant_id, id),
  FOREIGN KEY (tenant_id, account) REFERENCES billing_ledger_account (tenant_id, code)
);
CREATE INDEX billing_journal_line_party ON billing_journal_line (tenant_id, account, party, occurred_at);
CREATE INDEX billing_journal_line_time ON billing_journal_line (tenant_id, occurred_at);

-- Every entry balances: checked at commit (a deferred constraint trigger), once all its lines are in.
CREATE FUNCTION billing_check_entry(entry_tenant uuid, entry uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  line_count integer;
  unbalanced text;
BEGIN
  SELECT count(*) INTO line_count FROM billing_journal_line WHERE tenant_id = entry_tenant AND entry_id = entry;
  IF line_count < 2 THEN
    RAISE EXCEPTION 'journal entry % has % line(s); an entry needs at least two', entry, line_count
      USING ERRCODE = '23514';
  END IF;
  SELECT string_agg(currency || ' ' || total, ', ') INTO unbalanced FROM (
    SELECT currency, sum(amount) AS total FROM billing_journal_line
    WHERE tenant_id = entry_tenant AND entry_id = entry GROUP BY currency HAVING sum(amount) <> 0
  ) AS sums;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not balance (%)', entry, unbalanced USING ERRCODE = '23514';
  END IF;
END $$;

CREATE FUNCTION billing_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM billing_check_entry(NEW.tenant_id, NEW.id);
  RETURN NULL;
END $$;
CREATE FUNCTION billing_line_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM billing_check_entry(NEW.tenant_id, NEW.entry_id);
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER billing_entry_balances AFTER INSERT ON billing_journal_entry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing_entry_balances();
CREATE CONSTRAINT TRIGGER billing_line_balances AFTER INSERT ON billing_journal_line
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION billing_line_balances();

-- Append-only, for the schema owner too: corrections are new entries.
CREATE FUNCTION billing_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: post a correcting entry instead', TG_TABLE_NAME USING ERRCODE = '42501';
END $$;
CREATE TRIGGER billing_journal_entry_append_only BEFORE UPDATE OR DELETE ON billing_journal_entry
  FOR EACH ROW EXECUTE FUNCTION billing_append_only();
CREATE TRIGGER billing_journal_line_append_only BEFORE UPDATE OR DELETE ON billing_journal_line
  FOR EACH ROW EXECUTE FUNCTION billing_append_only();

-- Payments and refunds. A row is written once, in the transaction that posts its ledger entry.
CREATE TABLE billing_payment (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('payment', 'refund')),
  method text NOT NULL CHECK (method IN ('cash', 'card', 'insurance', 'credit')),
  patient_id text,
  payer text,                     -- Organization/<id> for insurance
  invoice_id text,
  amount bigint NOT NULL CHECK (amount > 0),
  applied bigint NOT NULL CHECK (applied >= 0),   -- to the receivable
  credited bigint NOT NULL CHECK (credited >= 0), -- overpayment kept as patient credit
  currency char(3) NOT NULL,
  gateway_charge text,            -- the gateway's id of the card charge or refund
  refund_of uuid,
  entry_id uuid NOT NULL,
  received_at timestamptz NOT NULL,
  recorded_by text,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, entry_id) REFERENCES billing_journal_entry (tenant_id, id)
);
CREATE INDEX billing_payment_patient ON billing_payment (tenant_id, patient_id, received_at);
CREATE INDEX billing_payment_invoice ON billing_payment (tenant_id, invoice_id);
CREATE UNIQUE INDEX billing_payment_gateway ON billing_payment (tenant_id, gateway_charge);

-- One row per Idempotency-Key: claimed in the transaction that does the work, answered from afterwards.
CREATE TABLE billing_idempotency (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  key text NOT NULL,
  operation text NOT NULL,
  request_hash text NOT NULL,
  status integer,
  response text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

-- Gateway webhook events, each applied once.
CREATE TABLE billing_gateway_event (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id text NOT NULL,
  type text NOT NULL,
  charge text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['billing_ledger_account', 'billing_journal_entry', 'billing_journal_line', 'billing_payment',
                           'billing_idempotency', 'billing_gateway_event'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT ON billing_ledger_account, billing_journal_entry, billing_journal_line, billing_payment,
  billing_gateway_event TO meridian_app;
GRANT SELECT, INSERT, UPDATE ON billing_idempotency TO meridian_app;
