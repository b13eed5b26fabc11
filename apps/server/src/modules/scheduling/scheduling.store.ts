import type { Queryable } from '../../platform/db';
import type { AvailabilityException, AvailabilityRule, GeneratedSlot } from './scheduling.availability';
import { DEFAULT_SETTINGS, type SchedulingSettings } from './scheduling.schemas';

export interface ScheduleRow {
  schedule_id: string;
  practitioner_id: string | null;
  location_id: string | null;
  device_id: string | null;
  specialties: string[];
  location_types: string[];
  time_zone: string;
  overbook: number;
  horizon_days: number;
  availability: AvailabilityRule[];
  exceptions: AvailabilityException[];
  active: boolean;
  generated_to: string | null;
}

export interface SlotRow {
  id: string;
  schedule_id: string;
  start_at: string;
  end_at: string;
  capacity: number;
  booked: number;
  visit_types: string[];
  practitioner_id: string | null;
  location_id: string | null;
  device_id: string | null;
}

export interface VisitTypeRow {
  id: string;
  code: string;
  name: string;
  duration_minutes: number;
  specialty: string | null;
  location_type: string | null;
  active: boolean;
}

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

export async function readSettings(q: Queryable, tenantId: string): Promise<SchedulingSettings> {
  const { rows } = await q.query<{ settings: unknown }>(
    'SELECT settings FROM scheduling_settings WHERE tenant_id = $1',
    [tenantId],
  );
  return { ...DEFAULT_SETTINGS, ...(rows[0] ? (json(rows[0].settings) as Partial<SchedulingSettings>) : {}) };
}

export async function writeSettings(q: Queryable, tenantId: string, settings: SchedulingSettings): Promise<void> {
  await q.query(
    `INSERT INTO scheduling_settings (tenant_id, settings, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
    [tenantId, JSON.stringify(settings)],
  );
}

// ---- visit types

const VISIT_TYPE_COLUMNS = 'id, code, name, duration_minutes, specialty, location_type, active';

export async function upsertVisitType(
  q: Queryable,
  tenantId: string,
  row: VisitTypeRow,
): Promise<VisitTypeRow | undefined> {
  const { rows } = await q.query<VisitTypeRow>(
    `INSERT INTO scheduling_visit_type (tenant_id, ${VISIT_TYPE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name,
       duration_minutes = EXCLUDED.duration_minutes, specialty = EXCLUDED.specialty,
       location_type = EXCLUDED.location_type, active = EXCLUDED.active
     RETURNING ${VISIT_TYPE_COLUMNS}`,
    [tenantId, row.id, row.code, row.name, row.duration_minutes, row.specialty, row.location_type, row.active],
  );
  return rows[0];
}

export async function visitTypeByCode(q: Queryable, tenantId: string, code: string): Promise<VisitTypeRow | undefined> {
  const { rows } = await q.query<VisitTypeRow>(
    `SELECT ${VISIT_TYPE_COLUMNS} FROM scheduling_visit_type WHERE tenant_id = $1 AND code = $2`,
    [tenantId, code],
  );
  return rows[0];
}

export async function readVisitType(q: Queryable, tenantId: string, id: string): Promise<VisitTypeRow | undefined> {
  const { rows } = await q.query<VisitTypeRow>(
    `SELECT ${VISIT_TYPE_COLUMNS} FROM scheduling_visit_type WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return rows[0];
}

export async function listVisitTypes(q: Queryable, tenantId: string): Promise<VisitTypeRow[]> {
  const { rows } = await q.query<VisitTypeRow>(
    `SELECT ${VISIT_TYPE_COLUMNS} FROM scheduling_visit_type WHERE tenant_id = $1 ORDER BY name, code`,
    [tenantId],
  );
  return rows;
}

// ---- schedules

const SCHEDULE_COLUMNS = `schedule_id, practitioner_id, location_id, device_id, specialties, location_types, time_zone,
  overbook, horizon_days, availability, exceptions, active, generated_to`;

function scheduleOf(row: ScheduleRow): ScheduleRow {
  return { ...row, availability: json(row.availability), exceptions: json(row.exceptions) };
}

export async function upsertSchedule(
  q: Queryable,
  tenantId: string,
  row: Omit<ScheduleRow, 'generated_to'>,
): Promise<void> {
  await q.query(
    `INSERT INTO scheduling_schedule (tenant_id, schedule_id, practitioner_id, location_id, device_id, specialties,
       location_types, time_zone, overbook, horizon_days, availability, exceptions, active, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
     ON CONFLICT (tenant_id, schedule_id) DO UPDATE SET practitioner_id = EXCLUDED.practitioner_id,
       location_id = EXCLUDED.location_id, device_id = EXCLUDED.device_id, specialties = EXCLUDED.specialties,
       location_types = EXCLUDED.location_types, time_zone = EXCLUDED.time_zone, overbook = EXCLUDED.overbook,
       horizon_days = EXCLUDED.horizon_days, availability = EXCLUDED.availability,
       exceptions = EXCLUDED.exceptions, active = EXCLUDED.active, updated_at = now()`,
    [
      tenantId,
      row.schedule_id,
      row.practitioner_id,
      row.location_id,
      row.device_id,
      row.specialties,
      row.location_types,
      row.time_zone,
      row.overbook,
      row.horizon_days,
      JSON.stringify(row.availability),
      JSON.stringify(row.exceptions),
      row.active,
    ],
  );
}

/** The schedule's row, locked for the rest of the transaction when `forUpdate` (regeneration). */
export async function readSchedule(
  q: Queryable,
  tenantId: string,
  scheduleId: string,
  forUpdate = false,
): Promise<ScheduleRow | undefined> {
  const { rows } = await q.query<ScheduleRow>(
    `SELECT ${SCHEDULE_COLUMNS} FROM scheduling_schedule WHERE tenant_id = $1 AND schedule_id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, scheduleId],
  );
  return rows[0] ? scheduleOf(rows[0]) : undefined;
}

export async function listSchedules(
  q: Queryable,
  tenantId: string,
  filter: { practitioner?: string | undefined; location?: string | undefined },
): Promise<ScheduleRow[]> {
  const { rows } = await q.query<ScheduleRow>(
    `SELECT ${SCHEDULE_COLUMNS} FROM scheduling_schedule
     WHERE tenant_id = $1 AND ($2::text IS NULL OR practitioner_id = $2) AND ($3::text IS NULL OR location_id = $3)
     ORDER BY schedule_id LIMIT 1000`,
    [tenantId, filter.practitioner ?? null, filter.location ?? null],
  );
  return rows.map(scheduleOf);
}

// ---- slots

/**
 * Replaces a schedule's future slots that nobody booked with `slots` (booked ones stay, whatever the new
 * availability says) and sets every future slot's capacity.
 */
export async function replaceFreeSlots(
  q: Queryable,
  tenantId: string,
  scheduleId: string,
  from: Date,
  to: Date,
  capacity: number,
  slots: GeneratedSlot[],
): Promise<number> {
  await q.query(
    'DELETE FROM scheduling_slot WHERE tenant_id = $1 AND schedule_id = $2 AND start_at >= $3 AND booked = 0',
    [tenantId, scheduleId, from.toISOString()],
  );
  await q.query(
    'UPDATE scheduling_slot SET capacity = GREATEST($4::integer, booked) WHERE tenant_id = $1 AND schedule_id = $2 AND start_at >= $3',
    [tenantId, scheduleId, from.toISOString(), capacity],
  );
  let inserted = 0;
  for (let offset = 0; offset < slots.length; offset += 5000) {
    const chunk = slots.slice(offset, offset + 5000);
    const result = await q.query(
      `INSERT INTO scheduling_slot (tenant_id, id, schedule_id, start_at, end_at, capacity, visit_types)
       SELECT $1, gen_random_uuid()::text, $2, s, e, $3, CASE WHEN v = '' THEN '{}'::text[] ELSE string_to_array(v, ',') END
       FROM unnest($4::timestamptz[], $5::timestamptz[], $6::text[]) AS t(s, e, v)
       ON CONFLICT (tenant_id, schedule_id, start_at) DO NOTHING`,
      [
        tenantId,
        scheduleId,
        capacity,
        chunk.map((slot) => slot.start.toISOString()),
        chunk.map((slot) => slot.end.toISOString()),
        chunk.map((slot) => slot.visitTypes.join(',')),
      ],
    );
    inserted += result.rowCount ?? 0;
  }
  await q.query('UPDATE scheduling_schedule SET generated_to = $3 WHERE tenant_id = $1 AND schedule_id = $2', [
    tenantId,
    scheduleId,
    to.toISOString(),
  ]);
  return inserted;
}

const SLOT_COLUMNS = `s.id, s.schedule_id, s.start_at, s.end_at, s.capacity, s.booked, s.visit_types,
  sc.practitioner_id, sc.location_id, sc.device_id`;

export async function readSlot(q: Queryable, tenantId: string, slotId: string): Promise<SlotRow | undefined> {
  const { rows } = await q.query<SlotRow>(
    `SELECT ${SLOT_COLUMNS} FROM scheduling_slot s
     JOIN scheduling_schedule sc ON sc.tenant_id = s.tenant_id AND sc.schedule_id = s.schedule_id
     WHERE s.tenant_id = $1 AND s.id = $2`,
    [tenantId, slotId],
  );
  return rows[0];
}

export interface SlotSearch {
  practitioner?: string | undefined;
  location?: string | undefined;
  device?: string | undefined;
  schedule?: string | undefined;
  specialty?: string | undefined;
  locationType?: string | undefined;
  visitType?: string | undefined;
  minMinutes?: number | undefined;
  from: string;
  to: string;
  count: number;
}

/**
 * Free slots (booked < capacity) matching the filter, earliest first. The schedules are narrowed first
 * (a small table), then their slots are read through the partial index of free slots.
 */
export async function searchFreeSlots(q: Queryable, tenantId: string, search: SlotSearch): Promise<SlotRow[]> {
  const { rows } = await q.query<SlotRow>(
    `WITH schedules AS (
       SELECT schedule_id FROM scheduling_schedule
       WHERE tenant_id = $1 AND active
         AND ($2::text IS NULL OR practitioner_id = $2) AND ($3::text IS NULL OR location_id = $3)
         AND ($4::text IS NULL OR device_id = $4) AND ($5::text IS NULL OR schedule_id = $5)
         AND ($6::text IS NULL OR $6 = ANY (specialties)) AND ($7::text IS NULL OR $7 = ANY (location_types))
     )
     SELECT ${SLOT_COLUMNS} FROM scheduling_slot s
     JOIN scheduling_schedule sc ON sc.tenant_id = s.tenant_id AND sc.schedule_id = s.schedule_id
     WHERE s.tenant_id = $1 AND s.schedule_id IN (SELECT schedule_id FROM schedules)
       AND s.start_at >= $8 AND s.start_at < $9 AND s.booked < s.capacity
       AND ($10::text IS NULL OR s.visit_types = '{}' OR $10 = ANY (s.visit_types))
       AND ($11::integer IS NULL OR s.end_at - s.start_at >= make_interval(mins => $11::integer))
     ORDER BY s.start_at, s.id
     LIMIT $12`,
    [
      tenantId,
      search.practitioner ?? null,
      search.location ?? null,
      search.device ?? null,
      search.schedule ?? null,
      search.specialty ?? null,
      search.locationType ?? null,
      search.from,
      search.to,
      search.visitType ?? null,
      search.minMinutes ?? null,
      search.count,
    ],
  );
  return rows;
}

/**
 * Active schedules (of every tenant) whose slots end more than a day short of their rolling horizon:
 * the daily roll generates the days that came into reach. Runs as the owner, across tenants.
 */
export async function schedulesToRoll(q: Queryable, now: Date): Promise<{ tenant_id: string; schedule_id: string }[]> {
  const { rows } = await q.query<{ tenant_id: string; schedule_id: string }>(
    `SELECT tenant_id, schedule_id FROM scheduling_schedule
     WHERE active AND (generated_to IS NULL
       OR generated_to < $1::timestamptz + make_interval(days => horizon_days) - interval '1 day')
     ORDER BY tenant_id, schedule_id LIMIT 10000`,
    [now.toISOString()],
  );
  return rows;
}
