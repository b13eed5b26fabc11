import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { type Member, member } from '../access/access-fixtures.int-helpers';
import { ScheduleService } from './schedule.service';
import { book, booked, createSchedule, DAY, everyDay, type FreeSlot, freeSlots, HOUR } from './scheduling.int-helpers';

let app: TestApp;
let tenantId: string;
let admin: SignedIn;
let desk: SignedIn;
let practitionerId: string;
let patientA: string;
let patientB: string;
let portal: Member;
let slots: FreeSlot[];
// The app's clock, moved forward by the no-show test.
let shift = 0;

/** The first free slot starting between `from` and `to` from now. */
function slotBetween(fromMs: number, toMs: number): FreeSlot {
  const now = Date.now() + shift;
  const slot = slots.find((s) => {
    const start = new Date(s.start).getTime();
    return start >= now + fromMs && start < now + toMs;
  });
  if (!slot) throw new Error('no slot in that window');
  slots = slots.filter((s) => s !== slot);
  return slot;
}

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => new Date(Date.now() + shift) });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Sato' }] })).id;
  patientA = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'Adeyemi' }] })).id;
  patientB = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'Berg' }] })).id;
  portal = await member(app, tenantId, 'patient', `Patient/${patientA}`);
  // Round the clock, every 15 minutes, so there are slots at any notice.
  await createSchedule(admin, {
    practitioner: practitionerId,
    timeZone: 'UTC',
    horizonDays: 20,
    availability: [{ days: everyDay, start: '00:00', end: '23:45', slotMinutes: 15 }],
  });
  // Up to 1,000 a search: the next week, and the days after the booking horizon.
  slots = [
    ...(await freeSlots(desk, { practitioner: practitionerId }, new Date(), new Date(Date.now() + 7 * DAY), 1000)),
    ...(await freeSlots(
      desk,
      { practitioner: practitionerId },
      new Date(Date.now() + 12 * DAY),
      new Date(Date.now() + 14 * DAY),
    )),
  ];
  const res = await admin.request('PUT', '/scheduling/settings', {
    maxDaysAhead: 10,
    minNoticeHours: 2,
    cancelCutoffHours: 24,
    offerHours: 12,
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => app?.close());

const asPatient = (method: 'GET' | 'POST', url: string, body?: unknown) => portal.request(method, url, body);

describe('patients booking for themselves', () => {
  it('reads the rules; may not change them', async () => {
    const rules = await asPatient('GET', '/scheduling/settings');
    expect(rules.json()).toMatchObject({ maxDaysAhead: 10, minNoticeHours: 2, cancelCutoffHours: 24 });
    const change = await portal.request('PUT', '/scheduling/settings', { maxDaysAhead: 700 });
    expect(change.statusCode).toBe(403);
  });

  it('books, moves and cancels their own appointment within the rules', async () => {
    const slot = slotBetween(3 * DAY, 4 * DAY);
    const res = await asPatient('POST', '/appointments', { slot: slot.id, patient: patientA });
    expect(res.statusCode, res.body).toBe(201);
    const later = slotBetween(5 * DAY, 6 * DAY);
    const moved = await asPatient('POST', `/appointments/${res.json().id}/reschedule`, { slot: later.id });
    expect(moved.statusCode, moved.body).toBe(200);
    const cancelled = await asPatient('POST', `/appointments/${res.json().id}/cancel`, { reason: 'pat' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
  });

  it('refuses (422) short notice, too far ahead, and booking for someone else', async () => {
    const soon = await asPatient('POST', '/appointments', { slot: slotBetween(0, HOUR).id, patient: patientA });
    expect(soon.statusCode).toBe(422);
    expect(soon.json()).toMatchObject({ code: 'SCHEDULING_RULE', path: 'slot' });
    const far = await asPatient('POST', '/appointments', {
      slot: slotBetween(12 * DAY, 14 * DAY).id,
      patient: patientA,
    });
    expect(far.statusCode).toBe(422);
    const other = await asPatient('POST', '/appointments', {
      slot: slotBetween(3 * DAY, 4 * DAY).id,
      patient: patientB,
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().path).toBe('patient');
  });

  it('too late to cancel or move: 422 inside the cut-off, while the front desk still may', async () => {
    const appointment = await booked(desk, slotBetween(5 * HOUR, 20 * HOUR).id, patientA);
    const cancel = await asPatient('POST', `/appointments/${appointment.id}/cancel`, { reason: 'pat' });
    expect(cancel.statusCode).toBe(422);
    expect(cancel.json()).toMatchObject({ code: 'SCHEDULING_RULE', path: 'start' });
    const move = await asPatient('POST', `/appointments/${appointment.id}/reschedule`, {
      slot: slotBetween(3 * DAY, 4 * DAY).id,
    });
    expect(move.statusCode).toBe(422);
    const byDesk = await desk.request('POST', `/appointments/${appointment.id}/cancel`, { reason: 'pat' });
    expect(byDesk.statusCode, byDesk.body).toBe(200);
  });

  it("cannot touch another patient's appointment, check in, or reach the waitlist", async () => {
    const theirs = await booked(desk, slotBetween(3 * DAY, 4 * DAY).id, patientB);
    const cancel = await asPatient('POST', `/appointments/${theirs.id}/cancel`, { reason: 'pat' });
    expect([403, 404]).toContain(cancel.statusCode);
    const mine = await booked(desk, slotBetween(3 * DAY, 4 * DAY).id, patientA);
    expect((await asPatient('POST', `/appointments/${mine.id}/check-in`)).statusCode).toBe(403);
    expect((await asPatient('GET', '/scheduling/waitlist')).statusCode).toBe(403);
  });

  it('sees only their own appointments in the calendar', async () => {
    const mine = await booked(desk, slotBetween(3 * DAY, 4 * DAY).id, patientA);
    await booked(desk, slotBetween(3 * DAY, 4 * DAY).id, patientB);
    const date = mine.start.slice(0, 10);
    const res = await asPatient('GET', `/appointments?date=${date}&view=week`);
    expect(res.statusCode, res.body).toBe(200);
    const patients = res
      .json()
      .appointments.map((a: { participant: { actor: { reference: string } }[] }) => a.participant[0]!.actor.reference);
    expect(res.json().appointments.map((a: { id: string }) => a.id)).toContain(mine.id);
    expect(new Set(patients)).toEqual(new Set([`Patient/${patientA}`]));
  });
});

describe('no-shows', () => {
  it('only once the appointment has started; then status noshow', async () => {
    const appointment = await booked(desk, slotBetween(0, HOUR).id, patientB);
    const early = await desk.request('POST', `/appointments/${appointment.id}/no-show`);
    expect(early.statusCode).toBe(422);
    shift = 2 * HOUR;
    // Tokens from before the clock moved have expired; sign in afresh.
    const later = await signIn(app, { role: 'front_desk', tenantId });
    const res = await later.request('POST', `/appointments/${appointment.id}/no-show`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('noshow');
    expect((await book(later, appointment.slot[0]!.reference.slice(5), patientA)).statusCode).toBe(409);
  });
});

describe('the rolling planning horizon', () => {
  it('the daily roll generates the days that came into reach', async () => {
    const lastSlot = () =>
      app.db.withTenant(tenantId, async (q) => {
        const { rows } = await q.query<{ last: string }>(
          'SELECT max(start_at) AS last FROM scheduling_slot WHERE tenant_id = $1',
          [tenantId],
        );
        return new Date(rows[0]!.last).getTime();
      });
    const before = await lastSlot();
    shift = 3 * DAY;
    const schedules = new ScheduleService({ repository: app.fhir.repository, now: () => new Date(Date.now() + shift) });
    expect(await schedules.rollHorizons(app.db)).toBeGreaterThanOrEqual(1);
    expect(await lastSlot()).toBeGreaterThan(before + 2 * DAY);
    // Rolled already: nothing is due until another day has passed.
    expect(await schedules.rollHorizons(app.db)).toBe(0);
  });
});
