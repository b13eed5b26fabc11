-- The order in which patients joined the waitlist, for "first come, first offered". created_at is the
-- joining transaction's start, which two entries can share (PGlite's clock counts milliseconds), and the
-- random id then decided who was offered a freed slot first. Entries already there are numbered in
-- their created_at order.
ALTER TABLE scheduling_waitlist ADD COLUMN seq bigint;
UPDATE scheduling_waitlist w SET seq = ordered.n
  FROM (SELECT tenant_id, id, row_number() OVER (ORDER BY created_at, id) AS n FROM scheduling_waitlist) ordered
  WHERE w.tenant_id = ordered.tenant_id AND w.id = ordered.id;
ALTER TABLE scheduling_waitlist ALTER COLUMN seq SET NOT NULL;
ALTER TABLE scheduling_waitlist ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('scheduling_waitlist', 'seq'), coalesce(max(seq), 0) + 1, false)
  FROM scheduling_waitlist;
