import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { createSchedule, DAY, everyDay, freeSlots } from './scheduling.int-helpers';

let app: TestApp;
let tenantId: string;
let desk: SignedIn;
let physician: SignedIn;
let practitionerId: string;
let patients: string[];

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  tenantId = newTenantId();
  const admin = await signIn(app, { role: 'tenant_admin', tenantId });
  desk = await signIn(app, { role: 'front_desk', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Roe' }] })).id;
  patients = [];
  for (let i = 0; i < 5; i++) {
    patients.push((await desk.fhir.create({ resourceType: 'Patient', name: [{ family: `Race${i}` }] })).id);
  }
  await createSchedule(admin, {
    practitioner: practitionerId,
    timeZone: 'UTC',
    horizonDays: 5,
    availability: [{ days: everyDay, start: '09:00', end: '12:00', slotMinutes: 30 }],
  });
});
afterAll(async () => app?.close());

const window = () => [new Date(Date.now() + DAY), new Date(Date.now() + 3 * DAY)] as const;

async function bookingsOf(slotId: string): Promise<number> {
  return app.db.withTenant(tenantId, async (q) => {
    const { rows } = await q.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM scheduling_slot_booking WHERE tenant_id = $1 AND slot_id = $2',
      [tenantId, slotId],
    );
    return rows[0]!.n;
  });
}

describe('fifty people booking one slot at once', () => {
  it('through the scheduling API: exactly one 201, forty-nine 409 problem+json', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...window(), 1);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        desk.request('POST', '/appointments', { slot: slot!.id, patient: patients[i % patients.length] }),
      ),
    );
    const statuses = answers.map((res) => res.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const res of answers.filter((r) => r.statusCode === 409)) {
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('SCHEDULING_SLOT_TAKEN');
    }
    expect(await bookingsOf(slot!.id)).toBe(1);
    const search = await physician.fhir.get(`Appointment?slot=Slot/${slot!.id}`);
    expect(search.json().entry).toHaveLength(1);
  });

  it('through plain FHIR REST (POST Appointment referencing the Slot): exactly one 201, the rest 409 OperationOutcome', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...window(), 1);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        physician.fhir.post('Appointment', {
          resourceType: 'Appointment',
          status: 'booked',
          slot: [{ reference: `Slot/${slot!.id}` }],
          start: slot!.start,
          end: slot!.end,
          participant: [{ actor: { reference: `Patient/${patients[i % patients.length]}` }, status: 'accepted' }],
        }),
      ),
    );
    const statuses = answers.map((res) => res.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(answers.find((r) => r.statusCode === 409)!.json().resourceType).toBe('OperationOutcome');
    expect(await bookingsOf(slot!.id)).toBe(1);
  });

  it('half through the API, half through FHIR: still exactly one', async () => {
    const [slot] = await freeSlots(desk, { practitioner: practitionerId }, ...window(), 1);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 2
          ? desk.request('POST', '/appointments', { slot: slot!.id, patient: patients[i % patients.length] })
          : physician.fhir.post('Appointment', {
              resourceType: 'Appointment',
              status: 'booked',
              slot: [{ reference: `Slot/${slot!.id}` }],
              start: slot!.start,
              end: slot!.end,
              participant: [{ actor: { reference: `Patient/${patients[i % patients.length]}` }, status: 'accepted' }],
            }),
      ),
    );
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.statusCode === 409)).toHaveLength(49);
    expect(await bookingsOf(slot!.id)).toBe(1);
  });
});
