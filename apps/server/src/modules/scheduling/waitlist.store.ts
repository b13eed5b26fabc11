import type { Queryable } from '../../platform/db';

export interface WaitlistRow {
  id: string;
  patient_id: string;
  visit_type_id: string | null;
  practitioner_id: string | null;
  earliest: string;
  latest: string;
  note: string | null;
  status: string;
  created_at: string;
}

export interface OfferRow {
  id: string;
  waitlist_id: string;
  slot_id: string;
  expires_at: string;
  status: string;
  appointment_id: string | null;
  created_at: string;
}

/** An offer as listed: with its entry's patient and visit type, and its slot's times and practitioner. */
export interface OfferListRow extends OfferRow {
  patient_id: string;
  visit_type_id: string | null;
  start_at: string | null;
  end_at: string | null;
  practitioner_id: string | null;
}

const WAITLIST_COLUMNS = 'id, patient_id, visit_type_id, practitioner_id, earliest, latest, note, status, created_at';
const OFFER_COLUMNS = 'id, waitlist_id, slot_id, expires_at, status, appointment_id, created_at';

export async function insertWaitlist(
  q: Queryable,
  tenantId: string,
  row: Omit<WaitlistRow, 'created_at' | 'status'>,
  createdBy: string | undefined,
): Promise<WaitlistRow> {
  const { rows } = await q.query<WaitlistRow>(
    `INSERT INTO scheduling_waitlist (tenant_id, id, patient_id, visit_type_id, practitioner_id, earliest, latest, note, status, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9) RETURNING ${WAITLIST_COLUMNS}`,
    [
      tenantId,
      row.id,
      row.patient_id,
      row.visit_type_id,
      row.practitioner_id,
      row.earliest,
      row.latest,
      row.note,
      createdBy ?? null,
    ],
  );
  return rows[0]!;
}

/** Entries oldest first, of the given statuses (all when none are given). */
export async function listWaitlist(
  q: Queryable,
  tenantId: string,
  statuses: string[] | undefined,
): Promise<WaitlistRow[]> {
  const { rows } = await q.query<WaitlistRow>(
    `SELECT ${WAITLIST_COLUMNS} FROM scheduling_waitlist WHERE tenant_id = $1 AND ($2::text[] IS NULL OR status = ANY ($2))
     ORDER BY seq LIMIT 1000`,
    [tenantId, statuses?.length ? statuses : null],
  );
  return rows;
}

export async function readWaitlist(
  q: Queryable,
  tenantId: string,
  id: string,
  lock = false,
): Promise<WaitlistRow | undefined> {
  const { rows } = await q.query<WaitlistRow>(
    `SELECT ${WAITLIST_COLUMNS} FROM scheduling_waitlist WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return rows[0];
}

export async function setWaitlistStatus(q: Queryable, tenantId: string, id: string, status: string): Promise<void> {
  await q.query('UPDATE scheduling_waitlist SET status = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, id, status]);
}

/**
 * The first waiting entry (oldest first) the slot fits: its window holds the slot, the practitioner (if
 * any) is the slot's, and the visit type (if any) is open in the slot, fits its length and its specialty
 * is the schedule's. Entries already offered this slot (and who declined it) are passed over.
 */
export async function firstMatch(q: Queryable, tenantId: string, slotId: string): Promise<WaitlistRow | undefined> {
  const { rows } = await q.query<WaitlistRow>(
    `SELECT ${WAITLIST_COLUMNS.split(', ')
      .map((column) => `w.${column}`)
      .join(', ')}
     FROM scheduling_slot s
     JOIN scheduling_schedule sc ON sc.tenant_id = s.tenant_id AND sc.schedule_id = s.schedule_id
     JOIN scheduling_waitlist w ON w.tenant_id = s.tenant_id AND w.status = 'waiting'
       AND w.earliest <= s.start_at AND w.latest >= s.end_at
       AND (w.practitioner_id IS NULL OR w.practitioner_id = sc.practitioner_id)
     LEFT JOIN scheduling_visit_type v ON v.tenant_id = w.tenant_id AND v.id = w.visit_type_id
     WHERE s.tenant_id = $1 AND s.id = $2
       AND (w.visit_type_id IS NULL OR (
         (s.visit_types = '{}' OR w.visit_type_id::text = ANY (s.visit_types))
         AND v.duration_minutes * interval '1 minute' <= s.end_at - s.start_at
         AND (v.specialty IS NULL OR v.specialty = ANY (sc.specialties))))
       AND NOT EXISTS (SELECT 1 FROM scheduling_offer o WHERE o.tenant_id = w.tenant_id AND o.waitlist_id = w.id AND o.slot_id = s.id)
     ORDER BY w.seq
     LIMIT 1
     FOR UPDATE OF w SKIP LOCKED`,
    [tenantId, slotId],
  );
  return rows[0];
}

export async function openOfferFor(q: Queryable, tenantId: string, slotId: string, now: Date): Promise<boolean> {
  const { rows } = await q.query(
    "SELECT 1 FROM scheduling_offer WHERE tenant_id = $1 AND slot_id = $2 AND status = 'open' AND expires_at > $3",
    [tenantId, slotId, now.toISOString()],
  );
  return rows.length > 0;
}

export async function insertOffer(
  q: Queryable,
  tenantId: string,
  row: { id: string; waitlist_id: string; slot_id: string; expires_at: string },
): Promise<OfferRow> {
  const { rows } = await q.query<OfferRow>(
    `INSERT INTO scheduling_offer (tenant_id, id, waitlist_id, slot_id, expires_at, status)
     VALUES ($1, $2, $3, $4, $5, 'open') RETURNING ${OFFER_COLUMNS}`,
    [tenantId, row.id, row.waitlist_id, row.slot_id, row.expires_at],
  );
  return rows[0]!;
}

export async function readOffer(
  q: Queryable,
  tenantId: string,
  id: string,
  lock = false,
): Promise<OfferRow | undefined> {
  const { rows } = await q.query<OfferRow>(
    `SELECT ${OFFER_COLUMNS} FROM scheduling_offer WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return rows[0];
}

export interface OfferFilter {
  waitlistId?: string | undefined;
  slotId?: string | undefined;
  statuses?: string[] | undefined;
}

/**
 * Offers newest first, with what the front desk shows of each: the patient and visit type of its entry,
 * and the slot's times and practitioner (none when the slot has since been regenerated away).
 */
export async function listOffers(q: Queryable, tenantId: string, filter: OfferFilter): Promise<OfferListRow[]> {
  const { rows } = await q.query<OfferListRow>(
    `SELECT ${OFFER_COLUMNS.split(', ')
      .map((column) => `o.${column}`)
      .join(', ')}, w.patient_id, w.visit_type_id, s.start_at, s.end_at, sc.practitioner_id
     FROM scheduling_offer o
     JOIN scheduling_waitlist w ON w.tenant_id = o.tenant_id AND w.id = o.waitlist_id
     LEFT JOIN scheduling_slot s ON s.tenant_id = o.tenant_id AND s.id = o.slot_id
     LEFT JOIN scheduling_schedule sc ON sc.tenant_id = s.tenant_id AND sc.schedule_id = s.schedule_id
     WHERE o.tenant_id = $1 AND ($2::uuid IS NULL OR o.waitlist_id = $2) AND ($3::text IS NULL OR o.slot_id = $3)
       AND ($4::text[] IS NULL OR o.status = ANY ($4))
     ORDER BY o.created_at DESC, o.id LIMIT 1000`,
    [tenantId, filter.waitlistId ?? null, filter.slotId ?? null, filter.statuses?.length ? filter.statuses : null],
  );
  return rows;
}

/** The open offers of one entry (at most one in practice), locked: the entry is leaving the waitlist. */
export async function openOffersOf(q: Queryable, tenantId: string, waitlistId: string): Promise<OfferRow[]> {
  const { rows } = await q.query<OfferRow>(
    `SELECT ${OFFER_COLUMNS} FROM scheduling_offer WHERE tenant_id = $1 AND waitlist_id = $2 AND status = 'open'
     FOR UPDATE`,
    [tenantId, waitlistId],
  );
  return rows;
}

export async function closeOffer(
  q: Queryable,
  tenantId: string,
  id: string,
  status: string,
  appointmentId?: string,
): Promise<void> {
  await q.query('UPDATE scheduling_offer SET status = $3, appointment_id = $4 WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
    status,
    appointmentId ?? null,
  ]);
}

/** Closes offers past their expiry and puts their entries back on the waitlist. */
export async function expireOffers(q: Queryable, tenantId: string, now: Date): Promise<void> {
  await q.query(
    `WITH expired AS (
       UPDATE scheduling_offer SET status = 'expired'
       WHERE tenant_id = $1 AND status = 'open' AND expires_at <= $2 RETURNING waitlist_id
     )
     UPDATE scheduling_waitlist SET status = 'waiting'
     WHERE tenant_id = $1 AND status = 'offered' AND id IN (SELECT waitlist_id FROM expired)`,
    [tenantId, now.toISOString()],
  );
}
