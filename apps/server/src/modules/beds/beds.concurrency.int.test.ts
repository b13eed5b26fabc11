import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import type { BoardWard } from './beds.board';

let app: TestApp;
let tenantId: string;
let desk: SignedIn;
let wardId: string;
const beds: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp({ authRequired: true, rateLimitPerMinute: 100_000 });
  tenantId = newTenantId();
  const admin = await signIn(app, { role: 'tenant_admin', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  const res = await admin.request('POST', '/beds/wards', { name: 'ICU', rooms: [{ name: 'R', beds: 6 }] });
  expect(res.statusCode, res.body).toBe(201);
  const ward = res.json() as BoardWard;
  wardId = ward.id;
  for (const bed of ward.rooms[0]!.beds) beds[bed.name!] = bed.id;
});
afterAll(async () => app?.close());

async function patients(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    ids.push((await desk.fhir.create({ resourceType: 'Patient', name: [{ family: `Concurrent${index}` }] })).id);
  }
  return ids;
}

async function boardOf(): Promise<Record<string, string>> {
  const res = await desk.request('GET', `/beds/board?ward=${wardId}`);
  expect(res.statusCode, res.body).toBe(200);
  const view: Record<string, string> = {};
  for (const bed of (res.json().wards[0] as BoardWard).rooms[0]!.beds) {
    view[bed.name!] = bed.status === 'occupied' ? `occupied:${bed.patient?.id}` : bed.status;
  }
  return view;
}

/** The bed table agrees with the Locations: a bed is occupied exactly while one open stay names it. */
async function openStays(): Promise<Record<string, string>> {
  const { rows } = await app.db.withTenant(tenantId, (db) =>
    db.query<{ bed_id: string; patient_id: string }>(
      'SELECT bed_id, patient_id FROM bed_occupancy WHERE tenant_id = $1 AND ended_at IS NULL',
      [tenantId],
    ),
  );
  const names = Object.fromEntries(Object.entries(beds).map(([name, id]) => [id, name]));
  return Object.fromEntries(rows.map((row) => [names[row.bed_id]!, `occupied:${row.patient_id}`]));
}

async function expectConsistent(): Promise<Record<string, string>> {
  const view = await boardOf();
  const occupied = Object.fromEntries(Object.entries(view).filter(([, status]) => status.startsWith('occupied')));
  expect(occupied).toEqual(await openStays());
  return view;
}

function outcomes(responses: LightMyRequestResponse[]) {
  const won = responses.filter((res) => res.statusCode < 300);
  const lost = responses.filter((res) => res.statusCode >= 300);
  for (const res of lost) {
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
  }
  return { won, lost };
}

describe('one patient per bed under concurrency', () => {
  it('20 concurrent admissions to one bed: exactly one wins, the others answer 409 and leave nothing behind', async () => {
    const ids = await patients(20);
    const responses = await Promise.all(
      ids.map((patient) => desk.request('POST', '/beds/admissions', { patient, bed: beds['1'] })),
    );
    const { won, lost } = outcomes(responses);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const res of lost) expect(['BEDS_BED_OCCUPIED', 'BEDS_CONFLICT']).toContain(res.json().code);
    const winner = won[0]!.json().encounter.subject.reference.split('/')[1];
    expect(await expectConsistent()).toMatchObject({ '1': `occupied:${winner}` });
    // The losers' Encounters were rolled back with their admission.
    const stays = await desk.fhir.get(`Encounter?location=Location/${beds['1']}`);
    expect(stays.json().entry).toHaveLength(1);
  });

  it('one patient admitted to five beds at once lies in exactly one of them', async () => {
    const [patient] = await patients(1);
    const targets = ['2', '3', '4', '5', '6'];
    const { won, lost } = outcomes(
      await Promise.all(targets.map((bed) => desk.request('POST', '/beds/admissions', { patient, bed: beds[bed] }))),
    );
    expect(won).toHaveLength(1);
    for (const res of lost) expect(['BEDS_ALREADY_IN_BED', 'BEDS_CONFLICT']).toContain(res.json().code);
    const view = await expectConsistent();
    expect(Object.values(view).filter((status) => status === `occupied:${patient}`)).toHaveLength(1);
    const stay = won[0]!.json();
    expect((await desk.request('POST', `/beds/stays/${stay.encounter.id}/discharge`)).statusCode).toBe(200);
    expect((await desk.request('POST', `/beds/${stay.bed.id}/cleaned`)).statusCode).toBe(200);
  });

  it('a transfer and a discharge of one stay at once: one of them happens, the beds agree with it', async () => {
    for (const [round, target] of ['2', '3', '4'].entries()) {
      const [patient] = await patients(1);
      const admitted = await desk.request('POST', '/beds/admissions', { patient, bed: beds['5'] });
      expect(admitted.statusCode, admitted.body).toBe(201);
      const stay = admitted.json().encounter.id;
      const [transfer, discharge] = await Promise.all([
        desk.request('POST', `/beds/stays/${stay}/transfer`, { bed: beds[target!] }),
        desk.request('POST', `/beds/stays/${stay}/discharge`),
      ]);
      const view = await expectConsistent();
      if (transfer.statusCode === 200 && discharge.statusCode === 200) {
        // The transfer came first and the discharge found the stay in its new bed.
        expect(view).toMatchObject({ '5': 'cleaning', [target!]: 'cleaning' });
      } else {
        expect([transfer.statusCode, discharge.statusCode].sort(), `round ${round}`).toEqual([200, 409]);
        if (transfer.statusCode === 200)
          expect(view).toMatchObject({ '5': 'cleaning', [target!]: `occupied:${patient}` });
        else expect(view).toMatchObject({ '5': 'cleaning', [target!]: 'free' });
      }
      // Back to a clean ward for the next round.
      const open = await openStays();
      if (open[target!]) await desk.request('POST', `/beds/stays/${stay}/discharge`);
      for (const bed of ['5', target!]) await desk.request('POST', `/beds/${beds[bed]}/cleaned`);
      expect(
        Object.values(await expectConsistent()).every((status) => status === 'free' || status.startsWith('occupied')),
      ).toBe(true);
    }
  });

  it('two transfers into one free bed, and a block racing an admission: one each', async () => {
    const [first, second, third] = await patients(3);
    const a = (await desk.request('POST', '/beds/admissions', { patient: first, bed: beds['2'] })).json().encounter.id;
    const b = (await desk.request('POST', '/beds/admissions', { patient: second, bed: beds['3'] })).json().encounter.id;
    const transfers = outcomes(
      await Promise.all([
        desk.request('POST', `/beds/stays/${a}/transfer`, { bed: beds['6'] }),
        desk.request('POST', `/beds/stays/${b}/transfer`, { bed: beds['6'] }),
      ]),
    );
    expect(transfers.won).toHaveLength(1);
    await expectConsistent();

    const raced = outcomes(
      await Promise.all([
        desk.request('POST', `/beds/${beds['4']}/block`, { reason: 'Maintenance' }),
        desk.request('POST', '/beds/admissions', { patient: third, bed: beds['4'] }),
      ]),
    );
    expect(raced.won).toHaveLength(1);
    const view = await expectConsistent();
    expect(['blocked', `occupied:${third}`]).toContain(view['4']);
  });
});
