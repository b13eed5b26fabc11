-- Scheduling: the operational side of FHIR Schedule, Slot and Appointment. Schedules, slots and
-- appointments themselves are FHIR resources; these tables hold what makes availability searchable and
-- booking safe: each schedule's weekly availability and exceptions, the slots materialised from them for
-- the planning horizon, the seats taken in each slot (one row per seat, so two bookings can never take the
-- same one), visit types, the tenant's self-booking rules, and the waitlist with its offers.

CREATE TABLE scheduling_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scheduling_visit_type (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
  -- A practitioner specialty code (e.g. SNOMED CT) the schedule must carry, and a Location type the
  -- schedule's room must have; both optional.
  specialty text,
  location_type text,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code)
);

-- One row per FHIR Schedule: its actors (denormalised for search), time zone, overbooking allowance and
-- recurring availability. Keyed by the Schedule's id.
CREATE TABLE scheduling_schedule (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  schedule_id text NOT NULL,
  practitioner_id text,
  location_id text,
  device_id text,
  specialties text[] NOT NULL DEFAULT '{}',
  location_types text[] NOT NULL DEFAULT '{}',
  time_zone text NOT NULL,
  overbook integer NOT NULL DEFAULT 0 CHECK (overbook BETWEEN 0 AND 20),
  horizon_days integer NOT NULL DEFAULT 90 CHECK (horizon_days BETWEEN 1 AND 400),
  availability jsonb NOT NULL,
  exceptions jsonb NOT NULL DEFAULT '[]',
  active boolean NOT NULL DEFAULT true,
  generated_to timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, schedule_id)
);
CREATE INDEX scheduling_schedule_practitioner ON scheduling_schedule (tenant_id, practitioner_id);
CREATE INDEX scheduling_schedule_location ON scheduling_schedule (tenant_id, location_id);

-- Materialised slots. `booked` counts the seats taken (kept by the Appointment write listener in the
-- same transaction as the seats); a slot is free while booked < capacity (1 + the schedule's overbook).
CREATE TABLE scheduling_slot (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id text NOT NULL,
  schedule_id text NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  capacity integer NOT NULL DEFAULT 1 CHECK (capacity >= 1),
  booked integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
  visit_types text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, schedule_id, start_at),
  CHECK (end_at > start_at)
);
CREATE INDEX scheduling_slot_free ON scheduling_slot (tenant_id, schedule_id, start_at) WHERE booked < capacity;
CREATE INDEX scheduling_slot_start ON scheduling_slot (tenant_id, start_at);

-- The seats of a slot held by appointments. The primary key is the fence: a seat is held by one
-- appointment at a time, whatever path wrote the Appointment.
CREATE TABLE scheduling_slot_booking (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  slot_id text NOT NULL,
  seat integer NOT NULL CHECK (seat >= 0),
  appointment_id text NOT NULL,
  booked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, slot_id, seat)
);
CREATE INDEX scheduling_slot_booking_appointment ON scheduling_slot_booking (tenant_id, appointment_id);

CREATE TABLE scheduling_waitlist (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  patient_id text NOT NULL,
  visit_type_id uuid,
  practitioner_id text,
  earliest timestamptz NOT NULL,
  latest timestamptz NOT NULL,
  -- waiting, offered, booked, removed
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text,
  PRIMARY KEY (tenant_id, id),
  CHECK (latest > earliest)
);
CREATE INDEX scheduling_waitlist_waiting ON scheduling_waitlist (tenant_id, created_at) WHERE status = 'waiting';

CREATE TABLE scheduling_offer (
  tenant_id uuid NOT NULL REFERENCES tenant (id),
  id uuid NOT NULL,
  waitlist_id uuid NOT NULL,
  slot_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  -- open, accepted, declined, expired
  status text NOT NULL,
  appointment_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX scheduling_offer_waitlist ON scheduling_offer (tenant_id, waitlist_id);
CREATE INDEX scheduling_offer_slot ON scheduling_offer (tenant_id, slot_id) WHERE status = 'open';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['scheduling_settings', 'scheduling_visit_type', 'scheduling_schedule', 'scheduling_slot',
                           'scheduling_slot_booking', 'scheduling_waitlist', 'scheduling_offer'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = meridian_tenant()) WITH CHECK (tenant_id = meridian_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON scheduling_settings, scheduling_visit_type, scheduling_waitlist, scheduling_offer TO meridian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON scheduling_schedule, scheduling_slot, scheduling_slot_booking TO meridian_app;
