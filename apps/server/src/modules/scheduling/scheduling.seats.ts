import type { Appointment, Slot } from '@medplum/fhirtypes';
import type { FhirContext, FhirRepository } from '../../fhir';
import type { FhirWriteEvent } from '../../fhir/core/write-observer';
import type { Queryable } from '../../platform/db';
import { slotTakenOutcome } from './scheduling.errors';

/** Appointment statuses that hold their slots' seats. Cancelled and entered-in-error ones give them back. */
const HOLDING = new Set(['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'checked-in', 'noshow']);

export function slotIdsOf(appointment: Appointment): string[] {
  return [
    ...new Set(
      (appointment.slot ?? [])
        .map((slot) => slot.reference ?? '')
        .filter((reference) => reference.startsWith('Slot/'))
        .map((reference) => reference.slice(5)),
    ),
  ].sort();
}

interface SeatRow {
  slot_id: string;
  seat: number;
}

/**
 * Takes a seat of `slotId` for `appointmentId`, or refuses with 409. A materialised slot is locked and its
 * counter moved only while seats remain (a concurrent booker waits for the lock and then sees the slot
 * full); the seat row's primary key is the fence either way, also for slots Meridian did not generate
 * (one seat each).
 */
async function claim(tx: Queryable, tenantId: string, slotId: string, appointmentId: string, index: number) {
  const counted = await tx.query<{ capacity: number }>(
    `UPDATE scheduling_slot SET booked = booked + 1 WHERE tenant_id = $1 AND id = $2 AND booked < capacity
     RETURNING capacity`,
    [tenantId, slotId],
  );
  let capacity = 1;
  if (!counted.rows[0]) {
    const known = await tx.query('SELECT 1 FROM scheduling_slot WHERE tenant_id = $1 AND id = $2', [tenantId, slotId]);
    if (known.rows.length) throw slotTakenOutcome(slotId, index);
  } else {
    capacity = counted.rows[0].capacity;
  }
  const taken = await tx.query<{ seat: number }>(
    `INSERT INTO scheduling_slot_booking (tenant_id, slot_id, seat, appointment_id)
     SELECT $1, $2, g.n, $3 FROM generate_series(0, $4::integer - 1) AS g(n)
     WHERE NOT EXISTS (SELECT 1 FROM scheduling_slot_booking b WHERE b.tenant_id = $1 AND b.slot_id = $2 AND b.seat = g.n)
     ORDER BY g.n LIMIT 1
     ON CONFLICT DO NOTHING RETURNING seat`,
    [tenantId, slotId, appointmentId, capacity],
  );
  if (!taken.rows[0]) throw slotTakenOutcome(slotId, index);
}

async function release(tx: Queryable, tenantId: string, slotId: string, appointmentId: string): Promise<void> {
  const removed = await tx.query(
    'DELETE FROM scheduling_slot_booking WHERE tenant_id = $1 AND slot_id = $2 AND appointment_id = $3',
    [tenantId, slotId, appointmentId],
  );
  const count = removed.rowCount ?? 0;
  if (count) {
    await tx.query(
      'UPDATE scheduling_slot SET booked = GREATEST(booked - $3::integer, 0) WHERE tenant_id = $1 AND id = $2',
      [tenantId, slotId, count],
    );
  }
}

/** Called with the slots an Appointment write gave back, inside its transaction (the waitlist offers them). */
export type SlotFreedListener = (tx: Queryable, tenantId: string, slotIds: string[]) => Promise<void>;

/**
 * Keeps the seats of every slot in step with the Appointments that reference it, inside each
 * Appointment write's transaction, whatever the path (scheduling API, FHIR REST, Bundles, imports): a
 * write that would take a seat nobody has left is refused with 409 and nothing of it is stored. The FHIR
 * Slot resource of each touched materialised slot is written with its status (busy when full).
 */
export function slotSeatKeeper(repository: FhirRepository, onFreed: SlotFreedListener) {
  return async (tx: Queryable, events: FhirWriteEvent[], ctx: FhirContext): Promise<void> => {
    const tenantId = ctx.tenantId;
    const touched = new Set<string>();
    const freed: string[] = [];
    for (const event of events) {
      if (event.resourceType === 'Schedule') {
        const schedule = event.resource as { active?: boolean } | undefined;
        if (event.action === 'delete' || schedule?.active === false) await closeSchedule(tx, tenantId, event.id);
        continue;
      }
      if (event.resourceType !== 'Appointment') continue;
      const appointment = event.resource as Appointment | undefined;
      const wanted =
        event.action !== 'delete' && appointment && HOLDING.has(appointment.status) ? slotIdsOf(appointment) : [];
      const { rows } = await tx.query<SeatRow>(
        'SELECT slot_id, seat FROM scheduling_slot_booking WHERE tenant_id = $1 AND appointment_id = $2',
        [tenantId, event.id],
      );
      const held = new Set(rows.map((row) => row.slot_id));
      // Lock every slot this write touches in one order, so two moves between the same slots cannot deadlock.
      const involved = [...new Set([...held, ...wanted])].sort();
      if (involved.length) {
        await tx.query(
          'SELECT id FROM scheduling_slot WHERE tenant_id = $1 AND id = ANY ($2::text[]) ORDER BY id FOR UPDATE',
          [tenantId, involved],
        );
      }
      for (const slotId of held) {
        if (wanted.includes(slotId)) continue;
        await release(tx, tenantId, slotId, event.id);
        touched.add(slotId);
        freed.push(slotId);
      }
      for (const [index, slotId] of wanted.entries()) {
        if (held.has(slotId)) continue;
        await claim(tx, tenantId, slotId, event.id, index);
        touched.add(slotId);
      }
    }
    if (!touched.size) return;
    await writeSlotResources(repository, { tenantId, tx }, [...touched]);
    if (freed.length) await onFreed(tx, tenantId, freed);
  };
}

/**
 * A Schedule deleted or made inactive through FHIR offers nothing more: its free slots go (booked ones and
 * their appointments stay) and it leaves the search.
 */
async function closeSchedule(tx: Queryable, tenantId: string, scheduleId: string): Promise<void> {
  await tx.query('UPDATE scheduling_schedule SET active = false WHERE tenant_id = $1 AND schedule_id = $2', [
    tenantId,
    scheduleId,
  ]);
  await tx.query('DELETE FROM scheduling_slot WHERE tenant_id = $1 AND schedule_id = $2 AND booked = 0', [
    tenantId,
    scheduleId,
  ]);
}

interface SlotState {
  id: string;
  schedule_id: string;
  start_at: string;
  end_at: string;
  capacity: number;
  booked: number;
}

/** Writes the FHIR Slot of each materialised slot with its current status (created at its first booking). */
async function writeSlotResources(repository: FhirRepository, ctx: FhirContext, slotIds: string[]): Promise<void> {
  const { rows } = await ctx.tx!.query<SlotState>(
    `SELECT id, schedule_id, start_at, end_at, capacity, booked FROM scheduling_slot
     WHERE tenant_id = $1 AND id = ANY ($2::text[]) ORDER BY id`,
    [ctx.tenantId, slotIds],
  );
  for (const row of rows) await repository.update(ctx, 'Slot', row.id, slotResource(row));
}

export function slotResource(row: SlotState): Slot & { id: string } {
  return {
    resourceType: 'Slot',
    id: row.id,
    schedule: { reference: `Schedule/${row.schedule_id}` },
    status: row.booked >= row.capacity ? 'busy' : 'free',
    start: new Date(row.start_at).toISOString(),
    end: new Date(row.end_at).toISOString(),
    ...(row.booked > 1 ? { overbooked: true } : {}),
  };
}
