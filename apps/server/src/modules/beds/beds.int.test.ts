import type { Encounter, Location } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemaErrors } from '../../../test/event-schemas';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import type { BoardWard } from './beds.board';

let app: TestApp;
let tenantId: string;
let admin: SignedIn;
let desk: SignedIn;
let physician: SignedIn;
let billing: SignedIn;
let wardId: string;
/** Bed ids by "room/bed" name. */
const beds: Record<string, string> = {};
const rooms: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
  billing = await signIn(app, { role: 'billing', tenantId });
});
afterAll(async () => app?.close());

async function newPatient(family: string): Promise<string> {
  return (await desk.fhir.create({ resourceType: 'Patient', name: [{ given: ['Ada'], family }] })).id;
}

/** The board of the ward as "room/bed" → status, or status and patient id for occupied beds. */
async function boardOf(user: SignedIn = desk): Promise<Record<string, string>> {
  const res = await user.request('GET', `/beds/board?ward=${wardId}`);
  expect(res.statusCode, res.body).toBe(200);
  const [ward] = res.json().wards as BoardWard[];
  const view: Record<string, string> = {};
  for (const room of ward!.rooms) {
    for (const bed of room.beds) {
      view[`${room.name}/${bed.name}`] =
        bed.status === 'occupied' ? `occupied:${bed.patient ? bed.patient.id : 'hidden'}` : bed.status;
    }
  }
  return view;
}

const board = (overrides: Record<string, string> = {}) => ({
  'A/1': 'free',
  'A/2': 'free',
  'B/1': 'free',
  'B/2': 'free',
  ...overrides,
});

describe('setting up a ward', () => {
  it('creates the ward, its rooms and beds as FHIR Locations (wa → ro → bd) with free beds', async () => {
    const res = await admin.request('POST', '/beds/wards', {
      name: 'Ward 3 North',
      rooms: [
        { name: 'A', beds: ['1', '2'] },
        { name: 'B', beds: 2 },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const ward = res.json() as BoardWard;
    wardId = ward.id;
    expect(ward.now).toEqual({ beds: 4, free: 4, occupied: 0, cleaning: 0, blocked: 0, occupancyPercent: 0 });
    for (const room of ward.rooms) {
      rooms[room.name!] = room.id;
      for (const bed of room.beds) beds[`${room.name}/${bed.name}`] = bed.id;
    }
    expect(Object.keys(beds).sort()).toEqual(['A/1', 'A/2', 'B/1', 'B/2']);

    const stored = (await admin.fhir.get(`Location/${beds['A/1']}`)).json() as Location;
    expect(stored.physicalType?.coding?.[0]).toMatchObject({ code: 'bd' });
    expect(stored.operationalStatus).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v2-0116',
      code: 'U',
    });
    expect(stored.partOf?.reference).toBe(`Location/${rooms.A}`);
    const room = (await admin.fhir.get(`Location/${rooms.A}`)).json() as Location;
    expect(room.physicalType?.coding?.[0]).toMatchObject({ code: 'ro' });
    expect(room.partOf?.reference).toBe(`Location/${wardId}`);
    expect(await boardOf()).toEqual(board());
  });

  it('answers which field is wrong, and leaves setting up to those who may write Locations', async () => {
    const bad = await admin.request('POST', '/beds/wards', { name: 'X', rooms: [{ name: '', beds: 1 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'BEDS_INVALID_REQUEST', path: 'rooms.0.name' });
    const refused = await desk.request('POST', '/beds/wards', { name: 'Ward 9' });
    expect(refused.statusCode).toBe(403);
  });

  it('shows beds written through plain FHIR, and keeps their status history', async () => {
    const bed = await admin.fhir.create({
      resourceType: 'Location',
      name: '3',
      status: 'active',
      physicalType: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 'bd' }],
      },
      partOf: { reference: `Location/${rooms.B}` },
    });
    expect(await boardOf()).toEqual(board({ 'B/3': 'free' }));
    // Closed through FHIR: the board and the history follow.
    const closed = await admin.fhir.put(`Location/${bed.id}`, {
      ...bed,
      operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: 'C' },
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await boardOf()).toEqual(board({ 'B/3': 'blocked' }));
    // Retired: inactive Locations leave the board.
    await admin.fhir.put(`Location/${bed.id}`, { ...bed, status: 'inactive' });
    expect(await boardOf()).toEqual(board());
  });

  it('refuses a plain FHIR write that marks a bed occupied without an admission', async () => {
    const bed = (await admin.fhir.get(`Location/${beds['A/2']}`)).json() as Location;
    const res = await admin.fhir.put(`Location/${bed.id}`, {
      ...bed,
      operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: 'O' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().issue[0]).toMatchObject({ code: 'business-rule', expression: ['Location.operationalStatus'] });
    expect(await boardOf()).toEqual(board());
  });
});

describe('admit, transfer, discharge', () => {
  it('keeps the board, the Encounter and the beds in step at every move', async () => {
    const patient = await newPatient('Moreau');
    const admitted = await desk.request('POST', '/beds/admissions', {
      patient: `Patient/${patient}`,
      bed: beds['A/1'],
    });
    expect(admitted.statusCode, admitted.body).toBe(201);
    const encounter = admitted.json().encounter as Encounter;
    expect(encounter).toMatchObject({ status: 'in-progress', class: { code: 'IMP' } });
    expect(encounter.location).toEqual([
      expect.objectContaining({ location: { reference: `Location/${beds['A/1']}` }, status: 'active' }),
    ]);
    expect(await boardOf()).toEqual(board({ 'A/1': `occupied:${patient}` }));

    const full = (await desk.request('GET', `/beds/board?ward=${wardId}`)).json().wards[0] as BoardWard;
    const a1 = full.rooms[0]!.beds[0]!;
    expect(a1.patient).toMatchObject({ id: patient, name: 'Ada Moreau' });
    expect(a1.patient?.mrn).toBeTruthy();
    expect(a1.encounter).toBe(`Encounter/${encounter.id}`);
    expect(a1.since).toBeTruthy();
    expect(full.now).toMatchObject({ occupied: 1, free: 3, occupancyPercent: 25 });

    const moved = await desk.request('POST', `/beds/stays/${encounter.id}/transfer`, { bed: beds['B/2'] });
    expect(moved.statusCode, moved.body).toBe(200);
    const afterMove = moved.json().encounter as Encounter;
    expect(afterMove.location?.map((entry) => [entry.location.reference, entry.status])).toEqual([
      [`Location/${beds['A/1']}`, 'completed'],
      [`Location/${beds['B/2']}`, 'active'],
    ]);
    expect(afterMove.location?.[0]?.period?.end).toBe(afterMove.location?.[1]?.period?.start);
    expect(await boardOf()).toEqual(board({ 'A/1': 'cleaning', 'B/2': `occupied:${patient}` }));

    const out = await desk.request('POST', `/beds/stays/${encounter.id}/discharge`);
    expect(out.statusCode, out.body).toBe(200);
    const finished = out.json().encounter as Encounter;
    expect(finished.status).toBe('finished');
    expect(finished.period?.end).toBeTruthy();
    expect(finished.location?.every((entry) => entry.status === 'completed' && entry.period?.end)).toBe(true);
    expect(await boardOf()).toEqual(board({ 'A/1': 'cleaning', 'B/2': 'cleaning' }));

    // Discharged twice: nobody lies in a bed for this stay any more.
    const again = await desk.request('POST', `/beds/stays/${encounter.id}/discharge`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'BEDS_NOT_IN_BED' });

    for (const bed of ['A/1', 'B/2']) {
      const cleaned = await desk.request('POST', `/beds/${beds[bed]}/cleaned`);
      expect(cleaned.statusCode, cleaned.body).toBe(200);
    }
    expect(await boardOf()).toEqual(board());
    // A clean bed cannot be cleaned again.
    const twice = await desk.request('POST', `/beds/${beds['A/1']}/cleaned`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'BEDS_BED_UNAVAILABLE', bedStatus: 'free' });
  });

  it('admits an existing visit: it becomes an inpatient stay in progress', async () => {
    const patient = await newPatient('Ito');
    const planned = await physician.request('POST', '/encounters', { patient: `Patient/${patient}`, class: 'EMER' });
    expect(planned.statusCode, planned.body).toBe(201);
    const res = await desk.request('POST', '/beds/admissions', {
      patient,
      bed: beds['A/2'],
      encounter: planned.json().id,
    });
    expect(res.statusCode, res.body).toBe(201);
    const encounter = res.json().encounter as Encounter;
    expect(encounter).toMatchObject({ id: planned.json().id, status: 'in-progress', class: { code: 'IMP' } });
    expect(encounter.statusHistory?.map((entry) => entry.status)).toEqual([
      'planned',
      'arrived',
      'triaged',
      'in-progress',
    ]);
    expect(await boardOf()).toEqual(board({ 'A/2': `occupied:${patient}` }));
    // The same patient cannot lie in a second bed.
    const second = await desk.request('POST', '/beds/admissions', { patient, bed: beds['B/1'] });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'BEDS_ALREADY_IN_BED', path: 'patient' });
    // Nor can an occupied bed take another patient, nor be blocked, nor be freed through FHIR.
    const other = await newPatient('Okoro');
    const taken = await desk.request('POST', '/beds/admissions', { patient: other, bed: beds['A/2'] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'BEDS_BED_OCCUPIED', path: 'bed' });
    const block = await desk.request('POST', `/beds/${beds['A/2']}/block`, { reason: 'Broken rail' });
    expect(block.statusCode).toBe(409);
    const bed = (await admin.fhir.get(`Location/${beds['A/2']}`)).json() as Location;
    const freed = await admin.fhir.put(`Location/${bed.id}`, {
      ...bed,
      operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code: 'U' },
    });
    expect(freed.statusCode).toBe(422);
    expect((await admin.fhir.delete(`Location/${bed.id}`)).statusCode).toBe(422);
    // The visit closes by discharge from the board, not behind its back (the bed would stay occupied).
    const checkOut = await physician.request('POST', `/encounters/${encounter.id}/check-out`);
    expect(checkOut.statusCode, checkOut.body).toBe(422);
    const stored = (await physician.fhir.get(`Encounter/${encounter.id}`)).json() as Encounter;
    const finishedThroughFhir = await physician.fhir.put(`Encounter/${encounter.id}`, {
      ...stored,
      status: 'finished',
    });
    expect(finishedThroughFhir.statusCode).toBe(422);
    expect(finishedThroughFhir.json().issue[0]).toMatchObject({
      code: 'business-rule',
      expression: ['Encounter.status'],
    });
    expect(await boardOf()).toEqual(board({ 'A/2': `occupied:${patient}` }));

    const out = await desk.request('POST', `/beds/stays/${encounter.id}/discharge`);
    expect(out.statusCode, out.body).toBe(200);
    expect((await desk.request('POST', `/beds/${beds['A/2']}/cleaned`)).statusCode).toBe(200);
    expect(await boardOf()).toEqual(board());
  });

  it('refuses admission to a blocked bed with the reason, until it is unblocked', async () => {
    const blocked = await desk.request('POST', `/beds/${beds['B/1']}/block`, { reason: 'Oxygen outlet broken' });
    expect(blocked.statusCode, blocked.body).toBe(200);
    const full = (await desk.request('GET', `/beds/board?ward=${wardId}`)).json().wards[0] as BoardWard;
    expect(full.rooms[1]!.beds[0]).toMatchObject({ status: 'blocked', code: 'C', reason: 'Oxygen outlet broken' });
    expect(full.now).toMatchObject({ blocked: 1, free: 3, occupancyPercent: 0 });

    const patient = await newPatient('Silva');
    const refused = await desk.request('POST', '/beds/admissions', { patient, bed: beds['B/1'] });
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      code: 'BEDS_BED_UNAVAILABLE',
      status: 409,
      reason: 'Oxygen outlet broken',
      path: 'bed',
    });
    expect(await boardOf()).toEqual(board({ 'B/1': 'blocked' }));
    // No half-written record: the refused admission left no Encounter behind.
    const encounters = await desk.fhir.get(`Encounter?subject=Patient/${patient}`);
    expect(encounters.json().entry ?? []).toEqual([]);

    const missingReason = await desk.request('POST', `/beds/${beds['B/1']}/block`, {});
    expect(missingReason.json()).toMatchObject({ code: 'BEDS_INVALID_REQUEST', path: 'reason' });
    expect((await desk.request('POST', `/beds/${beds['B/1']}/unblock`)).statusCode).toBe(200);
    expect(await boardOf()).toEqual(board());
    expect((await desk.request('POST', '/beds/admissions', { patient, bed: beds['B/1'] })).statusCode).toBe(201);
    expect(await boardOf()).toEqual(board({ 'B/1': `occupied:${patient}` }));
  });

  it('names a missing bed or patient, and lets only the front desk and clinicians move beds', async () => {
    const patient = await newPatient('Nakamura');
    const noBed = await desk.request('POST', '/beds/admissions', { patient, bed: 'no-such-bed' });
    expect(noBed.statusCode).toBe(404);
    expect(noBed.json()).toMatchObject({ code: 'BEDS_NOT_FOUND', path: 'bed' });
    const room = await desk.request('POST', '/beds/admissions', { patient, bed: rooms.A });
    expect(room.json()).toMatchObject({ code: 'BEDS_NOT_FOUND', path: 'bed' });
    const noPatient = await desk.request('POST', '/beds/admissions', { patient: 'nobody', bed: beds['A/1'] });
    expect(noPatient.statusCode).toBe(422);
    expect(noPatient.json()).toMatchObject({ code: 'BEDS_REFERENCE_NOT_FOUND', path: 'patient' });
    const notAllowed = await billing.request('POST', '/beds/admissions', { patient, bed: beds['A/1'] });
    expect(notAllowed.statusCode).toBe(403);
    expect(await boardOf()).toEqual(board({ 'B/1': expect.stringMatching(/^occupied:/) as unknown as string }));
  });

  it('shows the patient only to callers who may read Patients', async () => {
    const view = await boardOf(admin);
    expect(view['B/1']).toMatch(/^occupied:/);
    const pharmacistLike = await signIn(app, { role: 'patient', tenantId });
    const hidden = await pharmacistLike.request('GET', `/beds/board?ward=${wardId}`);
    expect(hidden.statusCode, hidden.body).toBe(200);
    const bed = (hidden.json().wards[0] as BoardWard).rooms[1]!.beds[0]!;
    expect(bed).toMatchObject({ status: 'occupied', patient: null });
    expect(bed.encounter).toBeUndefined();
  });

  it('keeps each tenant to its own beds, in its own tables too (row-level security)', async () => {
    const other = newTenantId();
    const otherDesk = await signIn(app, { role: 'front_desk', tenantId: other });
    expect((await otherDesk.request('GET', '/beds/board')).json().wards).toEqual([]);
    expect((await otherDesk.request('GET', `/beds/wards/${wardId}`)).statusCode).toBe(404);
    const admit = await otherDesk.request('POST', '/beds/admissions', { patient: 'x', bed: beds['A/1'] });
    expect(admit.json()).toMatchObject({ code: 'BEDS_NOT_FOUND', path: 'bed' });
    // Queries without a tenant filter still see only the tenant's own rows.
    const count = (tenant: string, table: string) =>
      app.db.withTenant(
        tenant,
        async (db) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n,
      );
    for (const table of ['bed_occupancy', 'bed_status_change']) {
      expect(await count(other, table)).toBe(0);
      expect(await count(tenantId, table)).toBeGreaterThan(0);
    }
  });

  it('publishes bed events in the move transaction, each matching its schema', async () => {
    const rows = await app.db.withTenant(tenantId, (db) =>
      db.query<{ type: string; version: number; aggregate_type: string; data: Record<string, unknown> }>(
        `SELECT type, version, aggregate_type, data FROM event_outbox
          WHERE tenant_id = $1 AND type LIKE 'bed.%' ORDER BY seq`,
        [tenantId],
      ),
    );
    const types = new Set(rows.rows.map((row) => row.type));
    expect([...types].sort()).toEqual(['bed.freed', 'bed.occupied', 'bed.status-changed']);
    for (const row of rows.rows) {
      expect(row.aggregate_type).toBe('Location');
      expect(eventSchemaErrors(row.type, row.version, row.data), row.type).toEqual([]);
    }
    const occupied = rows.rows.find((row) => row.type === 'bed.occupied')!;
    expect(Object.keys(occupied.data).sort()).toEqual(['bed', 'encounter', 'patient', 'ward']);
    // Ids and codes only: no reason text (a blocked bed's reason stays on the Location).
    expect(JSON.stringify(rows.rows)).not.toContain('Oxygen outlet broken');
    const changes = rows.rows.filter((row) => row.type === 'bed.status-changed').map((row) => row.data);
    expect(changes).toContainEqual(expect.objectContaining({ from: 'free', to: 'blocked', event: 'block' }));
    expect(changes).toContainEqual(expect.objectContaining({ from: 'occupied', to: 'cleaning', event: 'discharge' }));
  });
});
