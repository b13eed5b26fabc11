import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import type { BoardWard } from './beds.board';

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
const HOUR = 3_600_000;
let clock = new Date(T0);

let app: TestApp;
let tenantId: string;
let admin: SignedIn;
let desk: SignedIn;
let wardId: string;
let bedA: string;
let bedB: string;

/** Moves the clock to T0 + `hours` and signs the desk in again (access tokens live minutes, not days). */
async function at(hours: number): Promise<void> {
  clock = new Date(T0 + hours * HOUR);
  desk = await signIn(app, { role: 'front_desk', tenantId });
}

async function ok(res: Awaited<ReturnType<SignedIn['request']>>, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

const iso = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
const stats = (from: number, to: number) =>
  desk.request('GET', `/beds/wards/${wardId}/stats?from=${iso(from)}&to=${iso(to)}`);

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => clock });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  const ward = (await ok(
    await admin.request('POST', '/beds/wards', { name: 'Stats ward', rooms: [{ name: 'R', beds: ['A', 'B'] }] }),
    201,
  )) as BoardWard;
  wardId = ward.id;
  [bedA, bedB] = ward.rooms[0]!.beds.map((bed) => bed.id) as [string, string];

  // Two days on the ward, by the hour from T0 (when the beds were set up):
  //  1h block B · 2h admit P1 to A · 11h unblock B · 12h admit P2 to B · 26h discharge P1 · 26.5h A cleaned
  //  36h discharge P2 · 37h B cleaned · stats asked at 48h.
  await at(0);
  const p1 = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'One' }] })).id;
  const p2 = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'Two' }] })).id;
  await at(1);
  await ok(await desk.request('POST', `/beds/${bedB}/block`, { reason: 'Mattress replaced' }));
  await at(2);
  const s1 = (await ok(await desk.request('POST', '/beds/admissions', { patient: p1, bed: bedA }), 201)).encounter.id;
  await at(11);
  await ok(await desk.request('POST', `/beds/${bedB}/unblock`));
  await at(12);
  const s2 = (await ok(await desk.request('POST', '/beds/admissions', { patient: p2, bed: bedB }), 201)).encounter.id;
  await at(26);
  await ok(await desk.request('POST', `/beds/stays/${s1}/discharge`));
  await at(26.5);
  await ok(await desk.request('POST', `/beds/${bedA}/cleaned`));
  await at(36);
  await ok(await desk.request('POST', `/beds/stays/${s2}/discharge`));
  await at(37);
  await ok(await desk.request('POST', `/beds/${bedB}/cleaned`));
  await at(48);
});
afterAll(async () => app?.close());

describe('ward occupancy and turnover', () => {
  it('counts bed-hours, admissions, discharges, length of stay and cleaning time over two days', async () => {
    const body = await ok(await stats(0, 48));
    expect(body.now).toEqual({ beds: 2, free: 2, occupied: 0, cleaning: 0, blocked: 0, occupancyPercent: 0 });
    expect(body.period).toEqual({
      from: iso(0),
      to: iso(48),
      beds: 2,
      // A 48 h, B 48 h less 10 h blocked.
      bedHoursAvailable: 86,
      // A 2 h → 26 h, B 12 h → 36 h.
      bedHoursOccupied: 48,
      occupancyPercent: 55.8,
      admissions: 2,
      transfersIn: 0,
      transfersOut: 0,
      discharges: 2,
      turnover: 1,
      averageLengthOfStayHours: 24,
      averageCleaningMinutes: 45,
      cleanings: 2,
    });
  });

  it('counts only what falls inside the period, and stops at now', async () => {
    const second = (await ok(await stats(24, 100))).period;
    expect(second).toMatchObject({
      from: iso(24),
      to: iso(48),
      bedHoursAvailable: 48,
      // A 24 h → 26 h, B 24 h → 36 h.
      bedHoursOccupied: 14,
      occupancyPercent: 29.2,
      admissions: 0,
      discharges: 2,
      averageLengthOfStayHours: 24,
    });
    const first = (await ok(await stats(0, 12))).period;
    expect(first).toMatchObject({
      bedHoursAvailable: 14,
      bedHoursOccupied: 10,
      occupancyPercent: 71.4,
      admissions: 1,
      discharges: 0,
      turnover: 0,
      averageLengthOfStayHours: null,
      averageCleaningMinutes: null,
    });
  });

  it('shows occupancy now while patients lie in beds', async () => {
    const p3 = (await desk.fhir.create({ resourceType: 'Patient', name: [{ family: 'Three' }] })).id;
    await ok(await desk.request('POST', '/beds/admissions', { patient: p3, bed: bedA }), 201);
    const body = await ok(await desk.request('GET', `/beds/wards/${wardId}/stats`));
    expect(body.now).toEqual({ beds: 2, free: 1, occupied: 1, cleaning: 0, blocked: 0, occupancyPercent: 50 });
    expect(body.period).toBeUndefined();
  });

  it('names the wrong parameter', async () => {
    const reversed = await stats(10, 5);
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ code: 'BEDS_INVALID_REQUEST', path: 'to' });
    const half = await desk.request('GET', `/beds/wards/${wardId}/stats?from=${iso(0)}`);
    expect(half.json()).toMatchObject({ code: 'BEDS_INVALID_REQUEST', path: 'to' });
    const notInstant = await desk.request('GET', `/beds/wards/${wardId}/stats?from=yesterday&to=${iso(1)}`);
    expect(notInstant.json()).toMatchObject({ code: 'BEDS_INVALID_REQUEST', path: 'from' });
    const noWard = await desk.request('GET', `/beds/wards/${bedA}/stats`);
    expect(noWard.statusCode).toBe(404);
  });
});
