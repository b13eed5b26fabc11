import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemaErrors } from '../../../test/event-schemas';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { member, systemClient } from '../access/access-fixtures.int-helpers';
import { booked, createSchedule, DAY, everyDay, type FreeSlot, freeSlots, HOUR } from './scheduling.int-helpers';

let app: TestApp;
let tenantId: string;
let admin: SignedIn;
let desk: SignedIn;
let practitionerId: string;
let otherPractitionerId: string;
let checkup: { id: string };
let slots: FreeSlot[];
// The app's clock, moved forward by the expiry test.
let shift = 0;

async function patient(family: string, given: string): Promise<string> {
  return (await desk.fhir.create({ resourceType: 'Patient', name: [{ use: 'official', family, given: [given] }] })).id;
}

/** The next unused free slot of the practitioner, at least a day ahead. */
function nextSlot(): FreeSlot {
  const slot = slots.shift();
  if (!slot) throw new Error('out of slots');
  return slot;
}

const window = () => ({
  earliest: new Date(Date.now() + shift).toISOString(),
  latest: new Date(Date.now() + shift + 20 * DAY).toISOString(),
});

async function waitFor(patientId: string, extra: Record<string, unknown> = {}) {
  const res = await desk.request('POST', '/scheduling/waitlist', {
    patient: patientId,
    practitioner: practitionerId,
    ...window(),
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; status: string };
}

async function offersOf(entryId: string) {
  const res = await desk.request('GET', `/scheduling/offers?waitlistEntry=${entryId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Books a slot for a stand-in patient and cancels it, so the slot is offered on. */
async function freeUp(slot: FreeSlot, holder: string): Promise<void> {
  const appointment = await booked(desk, slot.id, holder);
  const cancelled = await desk.request('POST', `/appointments/${appointment.id}/cancel`, { reason: 'pat' });
  expect(cancelled.statusCode, cancelled.body).toBe(200);
}

/** The entry's events on the outbox, in the order they happened. */
async function eventsOf(entryId: string) {
  const res = await admin.request('GET', `/events?aggregate=WaitlistEntry/${entryId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().events.sort((x: { seq: number }, y: { seq: number }) => x.seq - y.seq) as {
    type: string;
    version: number;
    data: Record<string, unknown>;
  }[];
}

/** Keeps the patient's record from everyone (a deny Consent), as a patient who opted out would. */
async function denyAccess(patientId: string): Promise<void> {
  await systemClient(app, tenantId).create({
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${patientId}` },
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: { type: 'deny' },
  });
}

async function until(probe: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => new Date(Date.now() + shift) });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Quist' }] })).id;
  otherPractitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Ruiz' }] })).id;
  const res = await admin.request('POST', '/scheduling/visit-types', {
    code: 'checkup',
    name: 'Check-up',
    durationMinutes: 30,
  });
  expect(res.statusCode, res.body).toBe(201);
  checkup = res.json();
  await createSchedule(admin, {
    practitioner: practitionerId,
    timeZone: 'Europe/Berlin',
    horizonDays: 30,
    availability: [{ days: everyDay, start: '08:00', end: '18:00', slotMinutes: 30 }],
  });
  slots = await freeSlots(
    desk,
    { practitioner: practitionerId },
    new Date(Date.now() + DAY),
    new Date(Date.now() + 9 * DAY),
  );
});
afterAll(async () => app?.close());

describe('waitlist entries as the front desk sees them', () => {
  it('lists entries oldest first with the patient’s name and MRN, the note, and filters by several statuses', async () => {
    const ines = await patient('Okonkwo', 'Ines');
    const luca = await patient('Marchetti', 'Luca');
    const first = await waitFor(ines, { visitType: checkup.id, note: '  Mornings only; call her mobile  ' });
    expect(first).toMatchObject({
      status: 'waiting',
      patientName: 'Ines Okonkwo',
      note: 'Mornings only; call her mobile',
      visitType: checkup.id,
      practitioner: `Practitioner/${practitionerId}`,
    });
    const second = await waitFor(luca);
    const removed = await desk.request('DELETE', `/scheduling/waitlist/${second.id}`);
    expect(removed.json()).toMatchObject({ status: 'removed', patientName: 'Luca Marchetti' });

    const open = await desk.request('GET', '/scheduling/waitlist?status=waiting,offered');
    expect(open.statusCode, open.body).toBe(200);
    const listed = open.json().find((entry: { id: string }) => entry.id === first.id);
    expect(listed).toMatchObject({ patientName: 'Ines Okonkwo', note: 'Mornings only; call her mobile' });
    expect(listed.patientMrn).toMatch(/\d/);
    expect(Date.parse(listed.createdAt)).toBeLessThanOrEqual(Date.now() + shift);
    expect(open.json().map((entry: { id: string }) => entry.id)).not.toContain(second.id);
    const all = (await desk.request('GET', '/scheduling/waitlist')).json().map((entry: { id: string }) => entry.id);
    expect(all.indexOf(first.id)).toBeLessThan(all.indexOf(second.id));

    const bad = await desk.request('GET', '/scheduling/waitlist?status=waiting,lost');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'SCHEDULING_INVALID_REQUEST', path: 'status.1' });
    const longNote = await desk.request('POST', '/scheduling/waitlist', {
      patient: ines,
      ...window(),
      note: 'x'.repeat(501),
    });
    expect(longNote.json()).toMatchObject({ code: 'SCHEDULING_INVALID_REQUEST', path: 'note' });
    // Instants in different offsets are compared as instants, not as text.
    const backwards = await desk.request('POST', '/scheduling/waitlist', {
      patient: ines,
      earliest: '2030-01-10T03:00:00-05:00',
      latest: '2030-01-10T06:00:00Z',
    });
    expect(backwards.json()).toMatchObject({ code: 'SCHEDULING_INVALID_REQUEST', path: 'latest' });
    await desk.request('DELETE', `/scheduling/waitlist/${first.id}`);
  });

  it('leaves out entries of patients the caller may not see, and puts every patient shown on the audit trail', async () => {
    const shown = await patient('Sandoval', 'Pia');
    const hidden = await patient('Tamm', 'Oskar');
    const visible = await waitFor(shown);
    const secret = await waitFor(hidden);
    await denyAccess(hidden);
    const ids = (await desk.request('GET', '/scheduling/waitlist?status=waiting')).json().map((e: any) => e.id);
    expect(ids).toContain(visible.id);
    expect(ids).not.toContain(secret.id);

    const reads = await admin.request('GET', `/audit/events?action=read&patient=${shown}`);
    const details = (reads.json().entry ?? []).map((entry: any) => entry.resource.outcomeDesc);
    expect(details).toContain('waitlist');
    const hiddenReads = await admin.request('GET', `/audit/events?action=read&patient=${hidden}`);
    expect((hiddenReads.json().entry ?? []).map((entry: any) => entry.resource.outcomeDesc)).not.toContain('waitlist');
    const added = await admin.request('GET', `/audit/events?action=waitlist-add&patient=${shown}`);
    expect(added.json().entry).toHaveLength(1);
    await desk.request('DELETE', `/scheduling/waitlist/${visible.id}`);
    await desk.request('DELETE', `/scheduling/waitlist/${secret.id}`);
  });
});

describe('waitlist events', () => {
  it('publishes added, offer-made, declined, accepted and removed with ids only, each matching its schema', async () => {
    const holder = await patient('Holder', 'Hedda');
    const elsaId = await patient('Eklund', 'Elsa');
    const felixId = await patient('Fabre', 'Felix');
    const elsa = await waitFor(elsaId, { note: 'Afternoons, call her daughter' });
    const felix = await waitFor(felixId);
    const slot = nextSlot();
    await freeUp(slot, holder);
    const [offer] = await offersOf(elsa.id);
    expect((await desk.request('POST', `/scheduling/offers/${offer.id}/decline`)).statusCode).toBe(200);
    const [passed] = await offersOf(felix.id);
    const accepted = await desk.request('POST', `/scheduling/offers/${passed.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await desk.request('DELETE', `/scheduling/waitlist/${elsa.id}`)).statusCode).toBe(200);

    const ofElsa = await eventsOf(elsa.id);
    const ofFelix = await eventsOf(felix.id);
    expect(ofElsa.map((event) => event.type)).toEqual([
      'waitlist.added',
      'waitlist.offer-made',
      'waitlist.offer-declined',
      'waitlist.removed',
    ]);
    expect(ofFelix.map((event) => event.type)).toEqual([
      'waitlist.added',
      'waitlist.offer-made',
      'waitlist.offer-accepted',
    ]);
    for (const event of [...ofElsa, ...ofFelix]) {
      expect(eventSchemaErrors(event.type, event.version, event.data), event.type).toEqual([]);
    }
    expect(ofElsa[0]!.data).toEqual({ entry: elsa.id, patient: elsaId });
    expect(ofElsa[1]!.data).toEqual({ entry: elsa.id, patient: elsaId, offer: offer.id, slot: slot.id });
    expect(ofElsa[2]!.data).toEqual({ entry: elsa.id, patient: elsaId, offer: offer.id, slot: slot.id });
    expect(ofFelix[2]!.data).toEqual({
      entry: felix.id,
      patient: felixId,
      offer: passed.id,
      slot: slot.id,
      appointment: accepted.json().appointment.id,
    });
    // Ids only: neither the patient's name nor the front desk's note leaves in an event.
    expect(JSON.stringify([...ofElsa, ...ofFelix])).not.toMatch(/Eklund|Elsa|Fabre|Felix|daughter/);
  });

  it('tells a /live socket of changes to patients its user may see, and nothing of the others', async () => {
    const seen = await patient('Gallo', 'Gia');
    const kept = await patient('Hale', 'Hollis');
    const keptEntry = await waitFor(kept);
    await denyAccess(kept);
    const stranger = await member(app, tenantId, 'patient', `Patient/${await patient('Ives', 'Ida')}`);
    // Events so far are delivered before anyone listens.
    await app.events.drain();

    const heard: Record<'desk' | 'stranger', string[]> = { desk: [], stranger: [] };
    const open = (key: 'desk' | 'stranger', token: string) =>
      app.app.injectWS(
        '/live',
        { headers: { authorization: `Bearer ${token}` } },
        { onInit: (ws) => ws.on('message', (data: Buffer) => heard[key].push(data.toString())) },
      );
    const deskSocket = await open('desk', desk.accessToken);
    const strangerSocket = await open('stranger', stranger.token);
    await until(() => heard.desk.length === 1 && heard.stranger.length === 1);

    const seenEntry = await waitFor(seen);
    expect((await desk.request('DELETE', `/scheduling/waitlist/${keptEntry.id}`)).statusCode).toBe(200);
    expect((await desk.request('DELETE', `/scheduling/waitlist/${seenEntry.id}`)).statusCode).toBe(200);
    await app.events.drain();
    await until(() => heard.desk.length === 3);
    // Give a message that should not come time to arrive before saying none did.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const told = heard.desk.slice(1).map((message) => JSON.parse(message));
    expect(told.map(({ type, aggregate }) => ({ type, aggregate }))).toEqual([
      { type: 'waitlist.added', aggregate: { type: 'WaitlistEntry', id: seenEntry.id } },
      { type: 'waitlist.removed', aggregate: { type: 'WaitlistEntry', id: seenEntry.id } },
    ]);
    expect(told[0]).not.toHaveProperty('data');
    expect(heard.stranger.map((message) => JSON.parse(message).type)).toEqual(['hello']);
    deskSocket.terminate();
    strangerSocket.terminate();
  });
});

describe('offers as the front desk sees them', () => {
  it('lists an offer with its patient, slot times, practitioner and visit type; by slot and open status', async () => {
    const holder = await patient('Holder', 'Hana');
    const wanted = await patient('Varga', 'Zsofia');
    const entry = await waitFor(wanted, { visitType: checkup.id });
    const slot = nextSlot();
    await freeUp(slot, holder);

    const bySlot = await desk.request('GET', `/scheduling/offers?slot=Slot/${slot.id}&status=open`);
    expect(bySlot.statusCode, bySlot.body).toBe(200);
    expect(bySlot.json()).toHaveLength(1);
    const [offer] = bySlot.json();
    expect(offer).toMatchObject({
      waitlistEntry: entry.id,
      slot: `Slot/${slot.id}`,
      status: 'open',
      patient: `Patient/${wanted}`,
      patientName: 'Zsofia Varga',
      visitType: checkup.id,
      start: slot.start,
      end: slot.end,
      practitioner: `Practitioner/${practitionerId}`,
    });
    const entryNow = (await desk.request('GET', '/scheduling/waitlist?status=offered')).json();
    expect(entryNow.map((e: { id: string }) => e.id)).toContain(entry.id);

    const accepted = await desk.request('POST', `/scheduling/offers/${offer.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().appointment).toMatchObject({ status: 'booked', start: slot.start });
    expect((await desk.request('GET', `/scheduling/offers?slot=${slot.id}&status=open`)).json()).toEqual([]);
    const [closed] = await offersOf(entry.id);
    expect(closed).toMatchObject({ status: 'accepted', appointment: `Appointment/${accepted.json().appointment.id}` });
    // A booked entry is done: it is not taken off the list, its appointment is cancelled instead.
    const remove = await desk.request('DELETE', `/scheduling/waitlist/${entry.id}`);
    expect(remove.statusCode).toBe(409);
    expect(remove.json().code).toBe('SCHEDULING_CONFLICT');
  });

  it('taking an offered patient off the list withdraws the offer and passes the slot to the next match', async () => {
    const holder = await patient('Holder', 'Henrik');
    const first = await waitFor(await patient('Aalto', 'Aino'));
    const bodil = await patient('Brun', 'Bodil');
    const next = await waitFor(bodil);
    const elsewhere = await desk.request('POST', '/scheduling/waitlist', {
      patient: await patient('Cole', 'Cyril'),
      practitioner: otherPractitionerId,
      ...window(),
    });
    const slot = nextSlot();
    await freeUp(slot, holder);
    const [offer] = await offersOf(first.id);
    expect(offer).toMatchObject({ status: 'open', slot: `Slot/${slot.id}` });

    const removed = await desk.request('DELETE', `/scheduling/waitlist/${first.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await offersOf(first.id))[0]).toMatchObject({ id: offer.id, status: 'withdrawn' });
    expect((await desk.request('POST', `/scheduling/offers/${offer.id}/accept`)).json().code).toBe(
      'SCHEDULING_OFFER_CLOSED',
    );
    const [passed] = await offersOf(next.id);
    expect(passed).toMatchObject({ status: 'open', slot: `Slot/${slot.id}`, patientName: 'Bodil Brun' });
    // Another practitioner's waiting patient is not offered this practitioner's slot.
    expect(await offersOf(elsewhere.json().id)).toEqual([]);
    const declined = await desk.request('POST', `/scheduling/offers/${passed.id}/decline`);
    expect(declined.json().status).toBe('declined');
    const audit = await admin.request('GET', `/audit/events?action=waitlist-offer-decline&patient=${bodil}`);
    expect(audit.json().entry).toHaveLength(1);
    for (const id of [next.id, elsewhere.json().id]) await desk.request('DELETE', `/scheduling/waitlist/${id}`);
  });

  it('an offer past its hours shows as expired, cannot be accepted, and its patient waits again', async () => {
    const holder = await patient('Holder', 'Hugo');
    const entry = await waitFor(await patient('Duarte', 'Dalia'));
    const slot = slots.at(-1)!;
    await freeUp(slot, holder);
    const [offer] = await offersOf(entry.id);
    expect(offer.status).toBe('open');
    shift = 25 * HOUR;
    // Tokens issued before the jump have expired by the app's clock: a new sign-in.
    const later = await signIn(app, { role: 'front_desk', tenantId });
    try {
      const expired = await later.request('GET', `/scheduling/offers?waitlistEntry=${entry.id}&status=expired`);
      expect(expired.json().map((o: { id: string }) => o.id)).toEqual([offer.id]);
      expect((await later.request('POST', `/scheduling/offers/${offer.id}/accept`)).json()).toMatchObject({
        code: 'SCHEDULING_OFFER_CLOSED',
        status: 'expired',
      });
      const waiting = (await later.request('GET', '/scheduling/waitlist?status=waiting')).json();
      expect(waiting.find((e: { id: string }) => e.id === entry.id)).toMatchObject({ status: 'waiting' });
    } finally {
      shift = 0;
    }
  });
});
