import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';
import { buildClinic, type Clinic, entryKeys, type Member, member } from './access-fixtures.int-helpers';

/**
 * The access matrix: roles × resource types × interactions × two tenants, with the default policy.
 * Data is built once; each row of a table is one request.
 */

let app: TestApp;
let exportDir: string;
let a: Clinic;
let b: Clinic;
const roles = ['physician', 'nurse', 'front_desk', 'billing', 'pharmacist', 'patient', 'tenant_admin'] as const;
type MatrixRole = (typeof roles)[number];
const inA = {} as Record<MatrixRole, Member>;
const inB = {} as Record<MatrixRole, Member>;

beforeAll(async () => {
  exportDir = mkdtempSync(join(tmpdir(), 'meridian-access-export-'));
  app = await createTestApp({ authRequired: true, exportDir });
  [a, b] = await Promise.all([buildClinic(app, newTenantId()), buildClinic(app, newTenantId())]);
  for (const role of roles) {
    // The patient user is Ada in each tenant.
    inA[role] = await member(app, a.tenantId, role, role === 'patient' ? `Patient/${a.ids.ada}` : undefined);
    inB[role] = await member(app, b.tenantId, role, role === 'patient' ? `Patient/${b.ids.ada}` : undefined);
  }
}, 120_000);

afterAll(async () => {
  await app?.close();
  rmSync(exportDir, { recursive: true, force: true });
});

// 200: may read; 403: the type is closed to the role; 404: the row is outside what the role may see.
const Y = 200;
const F = 403;
const H = 404;
const READS: [key: string, type: string, expected: Record<MatrixRole, number>][] = [
  ['ada', 'Patient', { physician: Y, nurse: Y, front_desk: Y, billing: Y, pharmacist: Y, patient: Y, tenant_admin: Y }],
  ['bea', 'Patient', { physician: Y, nurse: Y, front_desk: Y, billing: Y, pharmacist: Y, patient: H, tenant_admin: Y }],
  [
    'adaObservation',
    'Observation',
    { physician: Y, nurse: Y, front_desk: F, billing: F, pharmacist: Y, patient: Y, tenant_admin: F },
  ],
  [
    'beaObservation',
    'Observation',
    { physician: Y, nurse: Y, front_desk: F, billing: F, pharmacist: Y, patient: H, tenant_admin: F },
  ],
  [
    'condition',
    'Condition',
    { physician: Y, nurse: Y, front_desk: F, billing: F, pharmacist: Y, patient: Y, tenant_admin: F },
  ],
  [
    'appointment',
    'Appointment',
    { physician: Y, nurse: Y, front_desk: Y, billing: F, pharmacist: F, patient: Y, tenant_admin: F },
  ],
  [
    'coverage',
    'Coverage',
    { physician: Y, nurse: F, front_desk: Y, billing: Y, pharmacist: F, patient: Y, tenant_admin: F },
  ],
  [
    'invoice',
    'Invoice',
    { physician: F, nurse: F, front_desk: F, billing: Y, pharmacist: F, patient: Y, tenant_admin: F },
  ],
  [
    'medicationRequest',
    'MedicationRequest',
    { physician: Y, nurse: Y, front_desk: F, billing: F, pharmacist: Y, patient: Y, tenant_admin: F },
  ],
  [
    'org',
    'Organization',
    { physician: Y, nurse: Y, front_desk: Y, billing: Y, pharmacist: Y, patient: Y, tenant_admin: Y },
  ],
  [
    'doctor',
    'Practitioner',
    { physician: Y, nurse: Y, front_desk: Y, billing: Y, pharmacist: Y, patient: Y, tenant_admin: Y },
  ],
];

describe('read, vread and search by role and type', () => {
  for (const [key, type, expected] of READS) {
    it(`${type} (${key})`, async () => {
      const got: Record<string, number[]> = {};
      const want: Record<string, number[]> = {};
      for (const role of roles) {
        const id = a.ids[key]!;
        const read = await inA[role].fhir.get(`${type}/${id}`);
        const vread = await inA[role].fhir.get(`${type}/${id}/_history/1`);
        const search = await inA[role].fhir.get(`${type}?_id=${id}&_total=accurate`);
        // Another tenant's member never sees it, whatever their role.
        const stranger = await inB[role].fhir.get(`${type}/${id}`);
        const found = search.statusCode === 200 ? (search.json().total as number) : search.statusCode;
        got[role] = [read.statusCode, vread.statusCode, found, stranger.statusCode];
        const e = expected[role];
        want[role] = [e, e, e === Y ? 1 : e === H ? 0 : F, e === F ? F : H];
        if (e === F) expect(read.json().issue[0].code).toBe('forbidden');
      }
      expect(got).toEqual(want);
    });
  }
});

describe('writes by role', () => {
  const observation = (patient: string) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pulse' },
    subject: { reference: `Patient/${patient}` },
  });

  it('lets clinicians record observations and nobody else', async () => {
    const got: Record<string, number> = {};
    for (const role of roles)
      got[role] = (await inA[role].fhir.post('Observation', observation(a.ids.ada!))).statusCode;
    expect(got).toEqual({
      physician: 201,
      nurse: 201,
      front_desk: 403,
      billing: 403,
      pharmacist: 403,
      patient: 403,
      tenant_admin: 403,
    });
  });

  it('lets a patient book for themselves only, and update and delete nothing of others', async () => {
    const appointment = (patient: string) => ({
      resourceType: 'Appointment',
      status: 'proposed',
      participant: [{ actor: { reference: `Patient/${patient}` }, status: 'needs-action' }],
    });
    const patient = inA.patient.fhir;
    expect((await patient.post('Appointment', appointment(a.ids.ada!))).statusCode).toBe(201);
    const other = await patient.post('Appointment', appointment(a.ids.bea!));
    expect(other.statusCode).toBe(403);
    expect(other.json().issue[0].code).toBe('forbidden');
    // Bea's record is not there for Ada: a change is refused without saying it exists.
    expect((await patient.delete(`Observation/${a.ids.beaObservation}`)).statusCode).toBe(403);
    const patch = await patient.patch(`Appointment/${a.ids.appointment}`, [
      { op: 'replace', path: '/status', value: 'cancelled' },
    ]);
    expect(patch.statusCode).toBe(200);
    expect((await inA.front_desk.fhir.post('Appointment', appointment(a.ids.bea!))).statusCode).toBe(201);
  });

  it('lets a physician delete a condition and not a nurse; never across tenants', async () => {
    const system = inA.physician.fhir;
    const condition = await system.create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${a.ids.bea}` },
    });
    expect((await inA.nurse.fhir.delete(`Condition/${condition.id}`)).statusCode).toBe(403);
    expect((await inB.physician.fhir.delete(`Condition/${condition.id}`)).statusCode).toBe(404);
    expect((await inA.physician.fhir.delete(`Condition/${condition.id}`)).statusCode).toBe(204);
  });

  it('checks every entry of a transaction and a batch', async () => {
    const bundle = (type: 'transaction' | 'batch') => ({
      resourceType: 'Bundle',
      type,
      entry: [
        {
          resource: {
            resourceType: 'QuestionnaireResponse',
            status: 'completed',
            subject: { reference: `Patient/${a.ids.ada}` },
          },
          request: { method: 'POST', url: 'QuestionnaireResponse' },
        },
        { resource: observation(a.ids.ada!), request: { method: 'POST', url: 'Observation' } },
        { request: { method: 'GET', url: `Patient/${a.ids.bea}` } },
      ],
    });
    const transaction = await inA.patient.fhir.post('', bundle('transaction'));
    expect(transaction.statusCode).toBe(403);
    const batch = await inA.patient.fhir.post('', bundle('batch'));
    expect(batch.statusCode).toBe(200);
    expect(
      batch.json().entry.map((entry: { response: { status: string } }) => entry.response.status.slice(0, 3)),
    ).toEqual(['201', '403', '404']);
  });
});

describe('search results, includes, chains and history', () => {
  it('filters search in SQL, so totals and pages count only what the caller may see', async () => {
    const search = async (who: Member, query: string) => {
      const res = await who.fhir.get(query);
      return res.statusCode === 200 ? { total: res.json().total, keys: entryKeys(res) } : res.statusCode;
    };
    // Both patients' observations name the doctor as performer; Ada sees only hers, on the page and in the total.
    expect(
      await search(inA.patient, `Observation?performer=Practitioner/${a.ids.doctor}&_total=accurate&_count=1`),
    ).toEqual({
      total: 1,
      keys: [`Observation/${a.ids.adaObservation}`],
    });
    expect((await search(inA.nurse, 'Patient?_total=accurate')) as { total: number }).toMatchObject({ total: 2 });
    expect(await search(inA.patient, 'Patient?_total=accurate')).toEqual({ total: 1, keys: [`Patient/${a.ids.ada}`] });
    expect(await search(inA.front_desk, 'Observation')).toBe(403);
    // A search over every type leaves closed types and hidden rows out.
    const everything = (await search(inA.patient, '?_type=Patient,Observation,Organization&_total=accurate')) as {
      keys: string[];
    };
    expect(everything.keys).toEqual(
      expect.arrayContaining([
        `Observation/${a.ids.adaObservation}`,
        `Organization/${a.ids.org}`,
        `Patient/${a.ids.ada}`,
      ]),
    );
    expect(everything.keys).not.toContain(`Patient/${a.ids.bea}`);
    expect(everything.keys).not.toContain(`Observation/${a.ids.beaObservation}`);
    expect(await search(inA.billing, '?_type=Patient,Observation')).toBe(403);
    expect(await search(inB.physician, `Patient?_id=${a.ids.ada}&_total=accurate`)).toEqual({ total: 0, keys: [] });
  });

  it('includes and revincludes only what the caller may read', async () => {
    const patientView = await inA.patient.fhir.get(`Coverage?_include=Coverage:subscriber&_include=Coverage:payor`);
    expect(entryKeys(patientView)).toEqual([`Coverage/${a.ids.coverage}`, `Organization/${a.ids.org}`].sort());
    const billing = await inA.billing.fhir.get(
      `Patient?_revinclude=Observation:subject&_revinclude=Coverage:beneficiary`,
    );
    expect(entryKeys(billing)).toEqual(
      [`Patient/${a.ids.ada}`, `Patient/${a.ids.bea}`, `Coverage/${a.ids.coverage}`].sort(),
    );
    const physician = await inA.physician.fhir.get(`Patient?_id=${a.ids.bea}&_revinclude=Observation:subject`);
    expect(entryKeys(physician)).toEqual([`Observation/${a.ids.beaObservation}`, `Patient/${a.ids.bea}`].sort());
  });

  it('chains and _has only through resources the caller may see', async () => {
    const total = async (who: Member, query: string) => (await who.fhir.get(`${query}&_total=accurate`)).json().total;
    // Bea is Ada's coverage subscriber; Ada may see her coverage but not Bea.
    expect(await total(inA.patient, 'Coverage?subscriber:Patient.name=Second')).toBe(0);
    expect(await total(inA.physician, 'Coverage?subscriber:Patient.name=Second')).toBe(1);
    // Only Bea's observation has the code: it must not show through for Ada, nor for the front desk.
    expect(await total(inA.patient, 'Practitioner?_has:Observation:performer:code=secret-code')).toBe(0);
    expect(await total(inA.physician, 'Practitioner?_has:Observation:performer:code=secret-code')).toBe(1);
    expect(await total(inA.front_desk, 'Patient?_has:Observation:subject:code=secret-code')).toBe(0);
    expect(await total(inA.physician, 'Patient?_has:Observation:subject:code=secret-code')).toBe(1);
  });

  it('keeps history to what the caller may see, at every level', async () => {
    const history = async (who: Member, path: string) => {
      const res = await who.fhir.get(path);
      return res.statusCode === 200 ? entryKeys(res) : res.statusCode;
    };
    const observations = (await history(inA.patient, 'Observation/_history')) as string[];
    expect(observations).toContain(`Observation/${a.ids.adaObservation}`);
    expect(observations).not.toContain(`Observation/${a.ids.beaObservation}`);
    expect((await history(inA.physician, 'Observation/_history')) as string[]).toContain(
      `Observation/${a.ids.beaObservation}`,
    );
    expect(await history(inA.patient, `Observation/${a.ids.beaObservation}/_history`)).toBe(404);
    expect(await history(inA.billing, 'Observation/_history')).toBe(403);
    const system = (await history(inA.patient, '_history?_count=1000')) as string[];
    expect(system).toContain(`Patient/${a.ids.ada}`);
    expect(system).toContain(`Organization/${a.ids.org}`);
    expect(system).not.toContain(`Patient/${a.ids.bea}`);
    expect(system).not.toContain(`Observation/${a.ids.beaObservation}`);
    const stranger = (await history(inB.physician, '_history?_count=1000')) as string[];
    expect(stranger).not.toContain(`Patient/${a.ids.ada}`);
  });
});

describe('operations', () => {
  it('$everything gives a patient their own record only, and a nurse what a nurse may read', async () => {
    const own = await inA.patient.fhir.get(`Patient/${a.ids.ada}/$everything`);
    expect(own.statusCode).toBe(200);
    const keys = entryKeys(own);
    expect(keys).toContain(`Observation/${a.ids.adaObservation}`);
    expect(keys).toContain(`Invoice/${a.ids.invoice}`);
    expect(keys).not.toContain(`Patient/${a.ids.bea}`);
    expect((await inA.patient.fhir.get(`Patient/${a.ids.bea}/$everything`)).statusCode).toBe(404);
    const nurse = entryKeys(await inA.nurse.fhir.get(`Patient/${a.ids.ada}/$everything`));
    expect(nurse).toContain(`Condition/${a.ids.condition}`);
    expect(nurse).not.toContain(`Coverage/${a.ids.coverage}`);
    expect(nurse).not.toContain(`Invoice/${a.ids.invoice}`);
    expect((await inA.front_desk.fhir.get(`Patient/${a.ids.ada}/$everything`)).statusCode).toBe(403);
  });

  it('bulk $export exports only what the requester may read, and only their tenant', async () => {
    expect((await inA.physician.fhir.get('$export', { prefer: 'respond-async' })).statusCode).toBe(403);
    const kickOff = await inA.tenant_admin.fhir.get('$export', { prefer: 'respond-async' });
    expect(kickOff.statusCode, kickOff.body).toBe(202);
    const status = (kickOff.headers['content-location'] as string).replace(/^.*\/fhir\/R4\//, '');
    let res = await inA.tenant_admin.fhir.get(status);
    for (let tries = 0; res.statusCode === 202 && tries < 600; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await inA.tenant_admin.fhir.get(status);
    }
    expect(res.statusCode, res.body).toBe(200);
    const exported: string[] = [];
    for (const output of res.json().output as { url: string }[]) {
      const file = await inA.tenant_admin.fhir.get(output.url.replace(/^.*\/fhir\/R4\//, ''), {
        accept: 'application/fhir+ndjson',
      });
      for (const line of file.body.split('\n').filter(Boolean)) {
        const resource = JSON.parse(line);
        exported.push(`${resource.resourceType}/${resource.id}`);
      }
    }
    expect(exported).toContain(`Patient/${a.ids.ada}`);
    expect(exported).toContain(`Organization/${a.ids.org}`);
    expect(exported.filter((key) => key.startsWith('Observation/') || key.startsWith('Coverage/'))).toEqual([]);
    expect(exported).not.toContain(`Patient/${b.ids.ada}`);
  });
});
