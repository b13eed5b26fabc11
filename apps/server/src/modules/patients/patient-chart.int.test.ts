import { join } from 'node:path';
import type { Encounter, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';
import { runImport } from '../../cli/import-runner';
import type { ServerConnection } from '../../cli/server-connection';
import { patientsApi } from './patients.test-helpers';

/** One Synthea patient (CC0), with the practitioners, organisations and locations the records name. */
const FIXTURE = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'synthea-chart');
const PATIENT = 'cbc86e51-9eca-3855-76ec-c058f72c5761';

let app: TestApp;
let tenant: string;

/** `meridian import` in-process: the local CLI token and the tenant header, through the FHIR API. */
function connection(target: TestApp, tenantId: string): ServerConnection {
  return {
    mode: 'in-process',
    async request(method, path, body, headers = {}) {
      const res = await target.app.inject({
        method: method as 'POST',
        url: path,
        headers: { authorization: `Bearer ${target.localAdminToken}`, 'x-meridian-tenant': tenantId, ...headers },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      return {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
        body: res.body,
        json: () => JSON.parse(res.body),
      };
    },
    async close() {},
  };
}

beforeAll(async () => {
  app = await createTestApp();
  tenant = newTenantId();
  await app.tenants.ensure(tenant, 'Synthea clinic');
  const report = await runImport(connection(app, tenant), FIXTURE, { batchSize: 200 });
  expect(report.rejected).toEqual([]);
  expect(report.imported).toBe(123);
});
afterAll(async () => {
  await app?.close();
});

const texts = (resources: { code?: { text?: string } }[]) => resources.map((r) => r.code?.text).sort();

describe('chart of a Synthea patient', () => {
  it('summarises problems, allergies, medications and recent encounters exactly', async () => {
    const res = await patientsApi(app, tenant).get(`/patients/${PATIENT}/summary`);
    expect(res.statusCode, res.body).toBe(200);
    const summary = res.json();
    const patient = summary.patient as Patient;
    expect(patient.name?.[0]).toMatchObject({ family: 'Emmerich580', given: ['Augustus49', 'Neville893'] });
    expect(patient.birthDate).toBe('1995-12-30');
    // Imported with Synthea's own MR identifier, and given the tenant's MRN as well.
    expect(
      patient.identifier?.find((i) => i.system === `https://meridian.health/fhir/identifier/mrn/${tenant}`)?.value,
    ).toBe('MRN00000018');
    expect(texts(summary.problems)).toEqual([
      'Full-time employment (finding)',
      'Limited social contact (finding)',
      'Misuses drugs (finding)',
      'Received higher education (finding)',
      'Social isolation (finding)',
      'Victim of intimate partner abuse (finding)',
    ]);
    expect(texts(summary.allergies)).toEqual([
      'Animal dander (substance)',
      'Aspirin',
      'Bee venom (substance)',
      'Eggs (edible) (substance)',
      'House dust mite (organism)',
      'Latex (substance)',
      'Mold (organism)',
      'Tree pollen (substance)',
    ]);
    expect(
      summary.medications
        .map((m: { medicationCodeableConcept?: { text?: string } }) => m.medicationCodeableConcept?.text)
        .sort(),
    ).toEqual(['Fexofenadine hydrochloride 30 MG Oral Tablet', 'NDA020800 0.3 ML Epinephrine 1 MG/ML Auto-Injector']);
    expect(summary.encounters.map((e: Encounter) => e.period?.start)).toEqual([
      '2021-05-23T00:21:52-04:00',
      '2021-05-02T00:21:52-04:00',
      '2021-03-06T23:21:52-05:00',
      '2018-08-11T01:28:40-04:00',
      '2018-03-03T23:21:52-05:00',
    ]);
    expect(summary.vitals).toEqual([]);
    expect(summary.openOrders).toEqual([]);
    expect(summary.pendingResults).toEqual([]);
    expect(summary.flags).toEqual([]);
    expect(summary.truncated).toEqual([]);
  });

  it('lists the whole chart newest first, page by page, and by type', async () => {
    const api = patientsApi(app, tenant);
    const seen: { resourceType: string; id: string; date: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api.get(`/patients/${PATIENT}/timeline?count=25${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      seen.push(...page.items);
      cursor = page.next;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBe(5);
    expect(new Set(seen.map((item) => `${item.resourceType}/${item.id}`)).size).toBe(110);
    const byType: Record<string, number> = {};
    for (const item of seen) byType[item.resourceType] = (byType[item.resourceType] ?? 0) + 1;
    expect(byType).toEqual({
      AllergyIntolerance: 8,
      Condition: 21,
      DocumentReference: 15,
      Encounter: 15,
      Immunization: 11,
      MedicationRequest: 4,
      Procedure: 36,
    });
    const dates = seen.map((item) => item.date);
    expect(dates).toEqual([...dates].sort().reverse());
    // The last visit's note, written 51 ms after the encounter began.
    expect(dates[0]).toBe('2021-05-23T04:21:52.051Z');
    expect(seen[0]?.resourceType).toBe('DocumentReference');

    const some = (await api.get(`/patients/${PATIENT}/timeline?type=Encounter,Condition&count=100`)).json();
    expect(some.items).toHaveLength(36);
    expect(some.next).toBeUndefined();
    expect(new Set(some.items.map((item: { resourceType: string }) => item.resourceType))).toEqual(
      new Set(['Encounter', 'Condition']),
    );
    expect(some.items[0]).toMatchObject({
      resourceType: 'Encounter',
      label: 'Administration of vaccine to produce active immunity (procedure)',
      status: 'finished',
    });

    expect((await api.get(`/patients/${PATIENT}/timeline?type=Claim`)).json()).toMatchObject({
      code: 'PATIENT_INVALID_REQUEST',
      path: 'type',
    });
    expect((await api.get(`/patients/${PATIENT}/timeline?cursor=garbage`)).json()).toMatchObject({
      code: 'PATIENT_INVALID_REQUEST',
      path: 'cursor',
    });
    expect((await api.get('/patients/nobody/timeline')).json().code).toBe('PATIENT_NOT_FOUND');
  });

  it('shows the latest vital of each kind, open orders, pending results and active flags', async () => {
    const fhir = fhirClient(app, tenant);
    const subject = { reference: `Patient/${PATIENT}` };
    const vitalSigns = [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
    ];
    const height = (cm: number, when: string) =>
      fhir.create({
        resourceType: 'Observation',
        status: 'final',
        category: vitalSigns,
        code: { coding: [{ system: 'http://loinc.org', code: '8302-2', display: 'Body height' }], text: 'Body height' },
        subject,
        effectiveDateTime: when,
        valueQuantity: { value: cm, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
      });
    await height(178, '2019-04-01T10:00:00Z');
    await height(180, '2021-05-23T10:00:00Z');
    await height(179, '2020-01-10T10:00:00Z');
    await fhir.create({
      resourceType: 'Observation',
      status: 'final',
      category: vitalSigns,
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }], text: 'Blood pressure panel' },
      subject,
      effectiveDateTime: '2021-05-23T10:00:00Z',
      component: [
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }], text: 'Systolic' },
          valueQuantity: { value: 128, unit: 'mm[Hg]' },
        },
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }], text: 'Diastolic' },
          valueQuantity: { value: 82, unit: 'mm[Hg]' },
        },
      ],
    });
    const order = (status: 'active' | 'completed') =>
      fhir.create({
        resourceType: 'ServiceRequest',
        status,
        intent: 'order',
        subject,
        code: { text: `Lipid panel (${status})` },
      });
    await order('active');
    await order('completed');
    await fhir.create({ resourceType: 'DiagnosticReport', status: 'preliminary', code: { text: 'CBC' }, subject });
    await fhir.create({ resourceType: 'DiagnosticReport', status: 'final', code: { text: 'CMP' }, subject });
    await fhir.create({ resourceType: 'Flag', status: 'active', code: { text: 'Fall risk' }, subject });
    await fhir.create({ resourceType: 'Flag', status: 'inactive', code: { text: 'Isolation' }, subject });

    const summary = (await patientsApi(app, tenant).get(`/patients/${PATIENT}/summary`)).json();
    expect(
      summary.vitals.map((v: { display: string; value: unknown; effective: string }) => [
        v.display,
        v.value,
        v.effective,
      ]),
    ).toEqual([
      [
        'Blood pressure panel',
        [
          { code: 'http://loinc.org|8480-6', display: 'Systolic', value: { value: 128, unit: 'mm[Hg]' } },
          { code: 'http://loinc.org|8462-4', display: 'Diastolic', value: { value: 82, unit: 'mm[Hg]' } },
        ],
        '2021-05-23T10:00:00.000Z',
      ],
      [
        'Body height',
        { value: 180, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
        '2021-05-23T10:00:00.000Z',
      ],
    ]);
    expect(texts(summary.openOrders)).toEqual(['Lipid panel (active)']);
    expect(texts(summary.pendingResults)).toEqual(['CBC']);
    expect(texts(summary.flags)).toEqual(['Fall risk']);
  });

  it('finds the latest of a rarely measured vital sign beyond the recent ones', async () => {
    const subject = { reference: `Patient/${PATIENT}` };
    const entry = Array.from({ length: 70 }, (_, i) => ({
      resource: {
        resourceType: 'Observation',
        status: 'final',
        category: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
        subject,
        effectiveDateTime: new Date(Date.UTC(2022, 0, 1 + i)).toISOString(),
        valueQuantity: { value: 60 + (i % 20), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      },
      request: { method: 'POST', url: 'Observation' },
    }));
    const res = await fhirClient(app, tenant).post('', { resourceType: 'Bundle', type: 'transaction', entry });
    expect(res.statusCode, res.body).toBe(200);
    const summary = (await patientsApi(app, tenant).get(`/patients/${PATIENT}/summary`)).json();
    expect(summary.vitals.map((v: { display: string; effective: string }) => [v.display, v.effective])).toEqual([
      ['Blood pressure panel', '2021-05-23T10:00:00.000Z'],
      ['Body height', '2021-05-23T10:00:00.000Z'],
      ['Heart rate', '2022-03-11T00:00:00.000Z'],
    ]);
  });
});
