import type { Appointment, Encounter } from '@medplum/fhirtypes';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemaErrors } from '../../../test/event-schemas';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { book, booked, createSchedule, DAY, everyDay, freeSlots, HOUR } from './scheduling.int-helpers';

let app: TestApp;
let tenantId: string;
let admin: SignedIn;
let desk: SignedIn;
let physician: SignedIn;
let practitionerId: string;
let locationId: string;
let patientA: string;
let patientB: string;
let consult: { id: string };
let berlin: { id: string };

const SPECIALTY = '394802001'; // SNOMED CT: general medicine

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Lind' }] })).id;
  locationId = (
    await admin.fhir.create({
      resourceType: 'Location',
      name: 'Room 4',
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'GIM' }] }],
    })
  ).id;
  patientA = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'Okafor' }] })).id;
  patientB = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'Brandt' }] })).id;
  const res = await admin.request('POST', '/scheduling/visit-types', {
    code: 'consult',
    name: 'Consultation',
    durationMinutes: 30,
    specialty: SPECIALTY,
    locationType: 'GIM',
  });
  expect(res.statusCode, res.body).toBe(201);
  consult = res.json();
  berlin = await createSchedule(admin, {
    practitioner: practitionerId,
    location: locationId,
    timeZone: 'Europe/Berlin',
    specialties: [SPECIALTY],
    horizonDays: 30,
    availability: [{ days: everyDay, start: '08:00', end: '18:00', slotMinutes: 30 }],
  });
});
afterAll(async () => app?.close());

const week = () => [new Date(Date.now() + DAY), new Date(Date.now() + 8 * DAY)] as const;

describe('schedules and slot search', () => {
  it('stores a FHIR Schedule with its actors and time zone, and materialises 30-minute slots 08:00–18:00 Berlin time', async () => {
    const schedule = (await admin.fhir.get(`Schedule/${berlin.id}`)).json();
    expect(schedule.actor.map((a: { reference: string }) => a.reference)).toEqual([
      `Practitioner/${practitionerId}`,
      `Location/${locationId}`,
    ]);
    expect(schedule.extension[0]).toMatchObject({ valueCode: 'Europe/Berlin' });
    const slots = await freeSlots(desk, { practitioner: practitionerId }, ...week());
    expect(slots.length).toBe(7 * 20);
    for (const slot of slots) {
      const local = DateTime.fromISO(slot.start, { zone: 'Europe/Berlin' });
      expect(local.hour).toBeGreaterThanOrEqual(8);
      expect(local.hour).toBeLessThan(18);
    }
  });

  it('finds free slots by specialty, location and visit type; none for another specialty or a longer visit type', async () => {
    expect((await freeSlots(desk, { specialty: SPECIALTY }, ...week())).length).toBe(140);
    expect((await freeSlots(desk, { location: `Location/${locationId}` }, ...week())).length).toBe(140);
    expect((await freeSlots(desk, { visitType: consult.id }, ...week())).length).toBe(140);
    expect(await freeSlots(desk, { specialty: '419772000' }, ...week())).toEqual([]);
    const long = await admin.request('POST', '/scheduling/visit-types', {
      code: 'long',
      name: 'Long',
      durationMinutes: 60,
    });
    expect(await freeSlots(desk, { visitType: long.json().id }, ...week())).toEqual([]);
  });

  it('exceptions remove availability and the free slots are regenerated', async () => {
    const day = DateTime.now().setZone('Europe/Berlin').plus({ days: 3 }).toISODate()!;
    const res = await admin.request('PUT', `/scheduling/schedules/${berlin.id}/exceptions`, {
      exceptions: [{ from: day, to: day, reason: 'holiday' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const slots = await freeSlots(desk, { schedule: berlin.id }, ...week());
    expect(slots.some((slot) => DateTime.fromISO(slot.start, { zone: 'Europe/Berlin' }).toISODate() === day)).toBe(
      false,
    );
    expect(slots.length).toBe(6 * 20);
  });

  it('answers 400 naming the field for a time zone that is not IANA', async () => {
    const res = await admin.request('POST', '/scheduling/schedules', {
      practitioner: practitionerId,
      timeZone: 'Mars/Olympus',
      availability: [],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'SCHEDULING_INVALID_REQUEST', path: 'timeZone' });
  });
});

describe('what a booking must fit', () => {
  it('answers 404 for an unknown slot and 422 for a visit type longer than the slot', async () => {
    const missing = await book(desk, '00000000-0000-4000-8000-00000000dead', patientA);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('SCHEDULING_NOT_FOUND');
    const long = await admin.request('POST', '/scheduling/visit-types', {
      code: 'procedure',
      name: 'Procedure',
      durationMinutes: 90,
    });
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    const res = await book(desk, slot!.id, patientA, { visitType: long.json().id });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'SCHEDULING_VISIT_TYPE_MISMATCH', path: 'visitType' });
  });

  it('a Schedule made inactive through FHIR leaves the search, keeping its booked slots', async () => {
    const practitioner = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Kahn' }] })).id;
    const schedule = await createSchedule(admin, {
      practitioner,
      timeZone: 'UTC',
      horizonDays: 10,
      availability: [{ days: everyDay, start: '09:00', end: '12:00', slotMinutes: 60 }],
    });
    const [slot] = await freeSlots(desk, { practitioner }, ...week(), 1);
    const appointment = await booked(desk, slot!.id, patientA);
    const current = (await admin.fhir.get(`Schedule/${schedule.id}`)).json();
    expect((await admin.fhir.put(`Schedule/${schedule.id}`, { ...current, active: false })).statusCode).toBe(200);
    expect(await freeSlots(desk, { practitioner }, ...week())).toEqual([]);
    expect((await desk.request('GET', `/appointments/${appointment.id}`)).json().status).toBe('booked');
    expect((await desk.fhir.get(`Slot/${slot!.id}`)).json().status).toBe('busy');
  });
});

/** The next local dates on which `zone` changes its UTC offset, within `days`. */
function offsetChanges(zone: string, days: number): string[] {
  const changes: string[] = [];
  let previous = DateTime.now().setZone(zone).startOf('day').set({ hour: 12 });
  for (let i = 1; i <= days; i++) {
    const day = previous.plus({ days: 1 }).set({ hour: 12 });
    if (day.offset !== previous.offset) changes.push(day.toISODate()!);
    previous = day;
  }
  return changes;
}

describe('daylight-saving weeks', () => {
  for (const zone of ['Europe/Berlin', 'America/New_York']) {
    it(`keeps 09:00–17:00 local in ${zone} across the next spring-forward and fall-back changes`, async () => {
      // A practitioner of its own: these hour-long slots must not be the first free slot the other tests
      // take for the shared practitioner (a slot at the same start as the Berlin schedule's came first at random).
      const practitioner = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Zeit' }] })).id;
      const schedule = await createSchedule(admin, {
        practitioner,
        timeZone: zone,
        horizonDays: 400,
        availability: [{ days: everyDay, start: '09:00', end: '17:00', slotMinutes: 60 }],
      });
      const changes = offsetChanges(zone, 380);
      expect(changes.length).toBe(2);
      const shifts: number[] = [];
      for (const change of changes) {
        const day = DateTime.fromISO(change, { zone });
        const slots = await freeSlots(
          desk,
          { schedule: schedule.id },
          day.minus({ days: 2 }).toJSDate(),
          day.plus({ days: 3 }).toJSDate(),
        );
        const before = slots.filter(
          (s) => DateTime.fromISO(s.start, { zone }).toISODate() === day.minus({ days: 1 }).toISODate(),
        );
        const after = slots.filter(
          (s) => DateTime.fromISO(s.start, { zone }).toISODate() === day.plus({ days: 1 }).toISODate(),
        );
        for (const daySlots of [before, after]) {
          expect(daySlots).toHaveLength(8);
          expect(daySlots.map((s) => DateTime.fromISO(s.start, { zone }).toFormat('HH:mm'))).toEqual([
            '09:00',
            '10:00',
            '11:00',
            '12:00',
            '13:00',
            '14:00',
            '15:00',
            '16:00',
          ]);
        }
        shifts.push(new Date(after[0]!.start).getUTCHours() - new Date(before[0]!.start).getUTCHours());
      }
      // Spring forward: the same wall-clock hour is an hour earlier in UTC; fall back: an hour later.
      expect(shifts.sort()).toEqual([-1, 1]);
    });
  }
});

describe('booking, rescheduling and cancelling', () => {
  it('books a slot (FHIR Appointment booked, FHIR Slot busy); a second booking of it answers 409 problem+json', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    const appointment = await booked(desk, slot!.id, patientA, { visitType: consult.id });
    expect(appointment.status).toBe('booked');
    expect(appointment.slot[0]!.reference).toBe(`Slot/${slot!.id}`);
    expect(appointment.start).toBe(slot!.start);
    expect((appointment as Appointment).appointmentType?.coding?.[0]?.code).toBe('consult');
    expect((await desk.fhir.get(`Slot/${slot!.id}`)).json().status).toBe('busy');
    const again = await book(desk, slot!.id, patientB);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().code).toBe('SCHEDULING_SLOT_TAKEN');
    const [next] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    expect(next!.id).not.toBe(slot!.id);
  });

  it('reschedules to another slot (the first is free again) and cancels with a reason code (free again)', async () => {
    const [first, second] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 2);
    const appointment = await booked(desk, first!.id, patientA);
    const moved = await desk.request('POST', `/appointments/${appointment.id}/reschedule`, { slot: second!.id });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().slot[0].reference).toBe(`Slot/${second!.id}`);
    expect(moved.json().start).toBe(second!.start);
    expect((await desk.fhir.get(`Slot/${first!.id}`)).json().status).toBe('free');
    const [nowFirst] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    expect(nowFirst!.id).toBe(first!.id);

    const cancelled = await desk.request('POST', `/appointments/${appointment.id}/cancel`, { reason: 'pat' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(cancelled.json().cancelationReason.coding[0].code).toBe('pat');
    expect((await desk.fhir.get(`Slot/${second!.id}`)).json().status).toBe('free');
    const twice = await desk.request('POST', `/appointments/${appointment.id}/cancel`, { reason: 'pat' });
    expect(twice.json().code).toBe('SCHEDULING_INVALID_STATE');
  });

  it('a plain FHIR Appointment referencing a booked slot answers 409 OperationOutcome and stores nothing', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    const first = await booked(desk, slot!.id, patientA);
    const fhirAppointment = {
      resourceType: 'Appointment',
      status: 'booked',
      slot: [{ reference: `Slot/${slot!.id}` }],
      start: slot!.start,
      end: slot!.end,
      participant: [{ actor: { reference: `Patient/${patientB}` }, status: 'accepted' }],
    };
    const res = await physician.fhir.post('Appointment', fhirAppointment);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'conflict' }] });
    const search = await physician.fhir.get(`Appointment?slot=Slot/${slot!.id}`);
    expect(search.json().entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([first.id]);
    // Cancelling through FHIR gives the seat back: the same FHIR write then succeeds.
    const current = (await physician.fhir.get(`Appointment/${first.id}`)).json();
    const cancel = await physician.fhir.put(`Appointment/${first.id}`, { ...current, status: 'cancelled' });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect((await physician.fhir.post('Appointment', fhirAppointment)).statusCode).toBe(201);
  });

  it('overbooks only as far as the schedule allows (overbook: 1 → two seats)', async () => {
    const practitioner = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Ward' }] })).id;
    await createSchedule(admin, {
      practitioner,
      timeZone: 'UTC',
      overbook: 1,
      horizonDays: 10,
      availability: [{ days: everyDay, start: '10:00', end: '11:00', slotMinutes: 60 }],
    });
    const [slot] = await freeSlots(desk, { practitioner }, ...week(), 1);
    expect(slot!.seatsLeft).toBe(2);
    await booked(desk, slot!.id, patientA);
    await booked(desk, slot!.id, patientB);
    expect((await book(desk, slot!.id, patientA)).statusCode).toBe(409);
    expect((await desk.fhir.get(`Slot/${slot!.id}`)).json()).toMatchObject({ status: 'busy', overbooked: true });
  });
});

describe('check-in', () => {
  it('marks the appointment arrived and opens an arrived Encounter linked to it', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    const appointment = await booked(desk, slot!.id, patientA, { visitType: consult.id });
    const res = await desk.request('POST', `/appointments/${appointment.id}/check-in`);
    expect(res.statusCode, res.body).toBe(200);
    const { appointment: arrived, encounter } = res.json() as { appointment: Appointment; encounter: Encounter };
    expect(arrived.status).toBe('arrived');
    expect(encounter.status).toBe('arrived');
    expect(encounter.appointment?.[0]?.reference).toBe(`Appointment/${appointment.id}`);
    expect(encounter.subject?.reference).toBe(`Patient/${patientA}`);
    const stored = (await physician.fhir.get(`Encounter/${encounter.id}`)).json();
    expect(stored.participant[0].individual.reference).toBe(`Practitioner/${practitionerId}`);
    const again = await desk.request('POST', `/appointments/${appointment.id}/check-in`);
    expect(again.json().code).toBe('SCHEDULING_INVALID_STATE');
  });
});

describe('domain events', () => {
  it('publishes booked, rescheduled, cancelled and checked-in on the outbox, each matching its schema', async () => {
    const [a, b, c] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 3);
    const first = await booked(desk, a!.id, patientA, { visitType: consult.id });
    await desk.request('POST', `/appointments/${first.id}/reschedule`, { slot: b!.id });
    await desk.request('POST', `/appointments/${first.id}/cancel`, { reason: 'prov-sched' });
    const second = await booked(desk, c!.id, patientB);
    await desk.request('POST', `/appointments/${second.id}/check-in`);
    const events = [];
    for (const id of [first.id, second.id]) {
      const res = await admin.request('GET', `/events?aggregate=Appointment/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      // Newest first in the answer; in the order they happened here.
      events.push(...res.json().events.sort((x: { seq: number }, y: { seq: number }) => x.seq - y.seq));
    }
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'appointment.booked',
      'appointment.rescheduled',
      'appointment.cancelled',
      'appointment.booked',
      'appointment.checked-in',
    ]);
    for (const event of events) expect(eventSchemaErrors(event.type, event.version, event.data)).toEqual([]);
    expect(events[0].data).toMatchObject({
      appointment: first.id,
      patient: patientA,
      slot: a!.id,
      visitType: 'consult',
    });
    expect(events[1].data).toMatchObject({ fromSlot: a!.id, slot: b!.id });
    expect(events[2].data).toMatchObject({ status: 'cancelled', reason: 'prov-sched' });
    expect(events[4].data.encounter).toBeDefined();
  });
});

describe('domain events of plain FHIR writes', () => {
  it('an Appointment booked, moved and cancelled through FHIR REST publishes the same events', async () => {
    const [a, b] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 2);
    const created = await physician.fhir.post('Appointment', {
      resourceType: 'Appointment',
      status: 'booked',
      slot: [{ reference: `Slot/${a!.id}` }],
      start: a!.start,
      end: a!.end,
      participant: [
        { actor: { reference: `Patient/${patientA}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${practitionerId}` }, status: 'accepted' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const appointment = created.json();
    const moved = { ...appointment, slot: [{ reference: `Slot/${b!.id}` }], start: b!.start, end: b!.end };
    const put = await physician.fhir.put(`Appointment/${appointment.id}`, moved);
    expect(put.statusCode, put.body).toBe(200);
    const cancelled = {
      ...put.json(),
      status: 'cancelled',
      cancelationReason: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason', code: 'pat' }],
      },
    };
    expect((await physician.fhir.put(`Appointment/${appointment.id}`, cancelled)).statusCode).toBe(200);
    const res = await admin.request('GET', `/events?aggregate=Appointment/${appointment.id}`);
    const events = res.json().events.sort((x: { seq: number }, y: { seq: number }) => x.seq - y.seq);
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      'appointment.booked',
      'appointment.rescheduled',
      'appointment.cancelled',
    ]);
    for (const event of events) expect(eventSchemaErrors(event.type, event.version, event.data)).toEqual([]);
    expect(events[0].data).toMatchObject({ patient: patientA, practitioner: practitionerId, slot: a!.id });
    expect(events[1].data).toMatchObject({ fromSlot: a!.id, slot: b!.id });
    expect(events[2].data).toMatchObject({ reason: 'pat' });
  });
});

describe('the calendar', () => {
  it("lists a practitioner's appointments of a local day and week", async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    const appointment = await booked(desk, slot!.id, patientB);
    const date = DateTime.fromISO(slot!.start, { zone: 'Europe/Berlin' }).toISODate()!;
    for (const view of ['day', 'week']) {
      const res = await desk.request(
        'GET',
        `/appointments?practitioner=${practitionerId}&date=${date}&view=${view}&timeZone=Europe/Berlin`,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().appointments.map((a: Appointment) => a.id)).toContain(appointment.id);
    }
  });
});

describe('the waitlist', () => {
  it('offers a freed slot to the first matching waitlisted patient; accepting books it', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...week(), 1);
    const taken = await booked(desk, slot!.id, patientA);
    const entry = await desk.request('POST', '/scheduling/waitlist', {
      patient: patientB,
      practitioner: practitionerId,
      visitType: consult.id,
      earliest: new Date(Date.now()).toISOString(),
      latest: new Date(Date.now() + 20 * DAY).toISOString(),
    });
    expect(entry.statusCode, entry.body).toBe(201);
    // A later entry for the same window waits behind the first.
    const later = await desk.request('POST', '/scheduling/waitlist', {
      patient: patientA,
      earliest: new Date(Date.now()).toISOString(),
      latest: new Date(Date.now() + 20 * DAY).toISOString(),
    });
    await desk.request('POST', `/appointments/${taken.id}/cancel`, { reason: 'prov' });
    const offers = await desk.request('GET', `/scheduling/offers?waitlistEntry=${entry.json().id}`);
    expect(offers.json()).toHaveLength(1);
    const offer = offers.json()[0];
    expect(offer).toMatchObject({ slot: `Slot/${slot!.id}`, status: 'open' });
    expect(new Date(offer.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * HOUR);
    const waiting = await desk.request('GET', '/scheduling/waitlist?status=offered');
    expect(waiting.json().map((e: { id: string }) => e.id)).toEqual([entry.json().id]);

    const accepted = await desk.request('POST', `/scheduling/offers/${offer.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().appointment.participant[0].actor.reference).toBe(`Patient/${patientB}`);
    expect(accepted.json().offer.status).toBe('accepted');
    const again = await desk.request('POST', `/scheduling/offers/${offer.id}/accept`);
    expect(again.json().code).toBe('SCHEDULING_OFFER_CLOSED');
    // The later entry is still waiting; taking it off the list leaves it out of later offers.
    const removed = await desk.request('DELETE', `/scheduling/waitlist/${later.json().id}`);
    expect(removed.json()).toMatchObject({ status: 'removed' });
  });

  it('a cancellation through plain FHIR offers the slot too; a declined offer passes to the next match', async () => {
    const practitioner = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Moss' }] })).id;
    await createSchedule(admin, {
      practitioner,
      timeZone: 'America/New_York',
      horizonDays: 10,
      availability: [{ days: everyDay, start: '13:00', end: '14:00', slotMinutes: 60 }],
    });
    const listed = await desk.request('GET', `/scheduling/schedules?practitioner=${practitioner}`);
    expect(listed.json()).toHaveLength(1);
    expect(listed.json()[0]).toMatchObject({
      timeZone: 'America/New_York',
      practitioner: `Practitioner/${practitioner}`,
    });
    const [slot] = await freeSlots(desk, { practitioner }, ...week(), 1);
    const taken = await booked(desk, slot!.id, patientA);
    const window = { earliest: new Date().toISOString(), latest: new Date(Date.now() + 20 * DAY).toISOString() };
    const first = (
      await desk.request('POST', '/scheduling/waitlist', { patient: patientB, practitioner, ...window })
    ).json();
    const second = (
      await desk.request('POST', '/scheduling/waitlist', { patient: patientA, practitioner, ...window })
    ).json();
    const current = (await physician.fhir.get(`Appointment/${taken.id}`)).json();
    expect((await physician.fhir.put(`Appointment/${taken.id}`, { ...current, status: 'cancelled' })).statusCode).toBe(
      200,
    );
    const [offer] = (await desk.request('GET', `/scheduling/offers?waitlistEntry=${first.id}`)).json();
    expect(offer).toMatchObject({ slot: `Slot/${slot!.id}`, status: 'open' });
    const declined = await desk.request('POST', `/scheduling/offers/${offer.id}/decline`);
    expect(declined.statusCode, declined.body).toBe(200);
    const [next] = (await desk.request('GET', `/scheduling/offers?waitlistEntry=${second.id}`)).json();
    expect(next).toMatchObject({ slot: `Slot/${slot!.id}`, status: 'open' });
    const entries = (await desk.request('GET', '/scheduling/waitlist')).json();
    expect(entries.find((e: { id: string }) => e.id === first.id).status).toBe('waiting');
    expect(entries.find((e: { id: string }) => e.id === second.id).status).toBe('offered');
  });

  it('is the front desk’s: a patient or a billing clerk gets 403', async () => {
    const billing = await signIn(app, { role: 'billing', tenantId });
    expect((await billing.request('GET', '/scheduling/waitlist')).statusCode).toBe(403);
    expect((await desk.request('PUT', '/scheduling/settings', {})).statusCode).toBe(403);
  });
});
