import type { Communication, Observation, ServiceRequest } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemaErrors } from '../../../test/event-schemas';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';
import { USER_IDENTIFIER_SYSTEM } from '../identity';
import { type Caller, memberOf, serviceClient } from './orders.int-helpers';

/**
 * The order-to-result story through the API: a physician orders a CBC, activates it, the lab system
 * posts a critical potassium, the physician is alerted and sees it first in their inbox, acknowledges it.
 */

let app: TestApp;
let tenantId: string;
let physician: Caller;
let practitionerId: string;
let nurse: Caller;
let lab: Caller;
let admin: Caller;
let patientId: string;

const cbc = {
  kind: 'lab',
  code: '58410-2',
  display: 'CBC panel - Blood by Automated count',
  specimen: { type: 'blood' },
};

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  tenantId = newTenantId();
  admin = await memberOf(app, tenantId, 'tenant_admin');
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'House' }] })).id;
  physician = await memberOf(app, tenantId, 'physician', `Practitioner/${practitionerId}`);
  nurse = await memberOf(app, tenantId, 'nurse');
  lab = await serviceClient(app, tenantId, 'lab-analyser');
  patientId = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Okafor' }] })).id;
}, 60_000);
afterAll(async () => app?.close());

const order = (body: unknown, patient = patientId, caller = physician) =>
  caller.request('POST', `/patients/${patient}/orders`, body);

describe('ordering', () => {
  it('places a lab order as a draft with a unique accession number, specimen and reason', async () => {
    const condition = await physician.fhir.create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${patientId}` },
      code: { text: 'Fatigue' },
    });
    const res = await order({
      ...cbc,
      priority: 'urgent',
      reason: 'fatigue',
      reasonReference: [`Condition/${condition.id}`],
    });
    expect(res.statusCode, res.body).toBe(201);
    const placed = res.json();
    expect(placed).toMatchObject({ status: 'draft', kind: 'lab' });
    expect(placed.accessionNumber).toMatch(/^A\d{2}-\d{6}$/);
    const request = placed.order as ServiceRequest;
    const acsn = request.identifier?.find((i) => i.type?.coding?.[0]?.code === 'ACSN');
    expect(acsn?.value).toBe(placed.accessionNumber);
    expect(request.requisition?.value).toBe(placed.accessionNumber);
    expect(request.code?.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '58410-2' });
    expect(request.priority).toBe('urgent');
    expect(request.reasonCode?.[0]?.text).toBe('fatigue');
    expect(request.reasonReference?.[0]?.reference).toBe(`Condition/${condition.id}`);
    expect(request.specimen?.[0]?.reference).toBe('#specimen');
    expect(request.contained?.[0]).toMatchObject({
      resourceType: 'Specimen',
      type: { coding: [{ code: '119297000' }] },
    });
    // The requester is named by their account (and their FHIR identity when their token carries one).
    expect(request.requester).toMatchObject({
      identifier: { system: USER_IDENTIFIER_SYSTEM, value: physician.userId },
    });
  });

  it('gives 20 concurrent orders 20 distinct accession numbers', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => order(cbc)));
    expect(answers.map((res) => res.statusCode)).toEqual(Array(20).fill(201));
    const numbers = answers.map((res) => res.json().accessionNumber as string);
    expect(new Set(numbers).size).toBe(20);
    for (const number of numbers) expect(number).toMatch(/^A\d{2}-\d{6}$/);
  });

  it('refuses bad input naming the field, and a nurse may not order under the default policy', async () => {
    const noModality = await order({ kind: 'imaging', code: '36643-5', bodySite: '51185008' });
    expect(noModality.statusCode).toBe(400);
    expect(noModality.json()).toMatchObject({ code: 'ORDER_INVALID_REQUEST', path: 'modality' });
    const badPriority = await order({ ...cbc, priority: 'soon' });
    expect(badPriority.json()).toMatchObject({ code: 'ORDER_INVALID_REQUEST', path: 'priority' });
    const missingPatient = await order(cbc, 'no-such-patient');
    expect(missingPatient.statusCode).toBe(422);
    expect(missingPatient.json()).toMatchObject({ code: 'ORDER_REFERENCE_NOT_FOUND', path: 'patient' });
    const byNurse = await order(cbc, patientId, nurse);
    expect(byNurse.statusCode).toBe(403);
    // Nurses still read orders.
    expect((await nurse.request('GET', `/patients/${patientId}/orders`)).statusCode).toBe(200);
  });

  it('orders imaging with a DICOM modality, a SNOMED CT body site and laterality', async () => {
    const res = await order({
      kind: 'imaging',
      code: { system: 'https://example.org/imaging-procedures', code: 'MRKNEE', display: 'MRI knee' },
      modality: 'MR',
      bodySite: '72696002',
      laterality: 'right',
      priority: 'routine',
      activate: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    const request = res.json().order as ServiceRequest;
    expect(res.json()).toMatchObject({ status: 'active', kind: 'imaging' });
    expect(request.category?.[0]?.coding?.[0]?.code).toBe('363679005');
    expect(request.orderDetail?.[0]?.coding?.[0]).toMatchObject({
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: 'MR',
    });
    expect(request.bodySite?.[0]?.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '72696002' });
    expect(request.bodySite?.[0]?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('24028007');
    const listed = await physician.request('GET', `/patients/${patientId}/orders?kind=imaging`);
    expect(listed.json().orders.map((o: { id: string }) => o.id)).toEqual([request.id]);
  });
});

describe('the lifecycle', () => {
  it('activates, revokes, and refuses invalid transitions with 422 naming the field', async () => {
    const id = (await order(cbc)).json().id as string;
    const activated = await physician.request('POST', `/orders/${id}/activate`);
    expect(activated.statusCode, activated.body).toBe(200);
    expect(activated.json().status).toBe('active');
    expect(activated.json().order.authoredOn).toBeDefined();
    const again = await physician.request('POST', `/orders/${id}/activate`);
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ code: 'ORDER_INVALID_TRANSITION', path: 'status' });
    const revoked = await physician.request('POST', `/orders/${id}/revoke`, { reason: 'duplicate order' });
    expect(revoked.json().status).toBe('revoked');
    const reopen = await physician.request('POST', `/orders/${id}/activate`);
    expect(reopen.statusCode).toBe(422);
    expect(reopen.json().allowedTransitions).toEqual(['entered-in-error']);
    const results = await lab.request('POST', `/orders/${id}/results`, {
      analytes: [{ code: '6690-2', value: 6, unit: '10*3/uL' }],
    });
    expect(results.statusCode).toBe(422);
    expect(results.json()).toMatchObject({ code: 'ORDER_NOT_RESULTABLE', path: 'status' });
    const error = await physician.request('POST', `/orders/${id}/entered-in-error`, {});
    expect(error.json()).toMatchObject({ code: 'ORDER_INVALID_REQUEST', path: 'reason' });
  });

  it('holds plain FHIR writes to the lifecycle and to the accession number', async () => {
    const placed = (await order({ ...cbc, activate: true })).json();
    await physician.request('POST', `/orders/${placed.id}/complete`);
    const stored = (await physician.fhir.get(`ServiceRequest/${placed.id}`)).json() as ServiceRequest;
    const back = await physician.fhir.put(`ServiceRequest/${placed.id}`, { ...stored, status: 'active' });
    expect(back.statusCode).toBe(422);
    expect(back.json().issue[0]).toMatchObject({ code: 'business-rule', expression: ['ServiceRequest.status'] });
    const renumbered = await physician.fhir.put(`ServiceRequest/${placed.id}`, {
      ...stored,
      identifier: stored.identifier?.map((i) => ({ ...i, value: 'A26-999999' })),
    });
    expect(renumbered.statusCode).toBe(400);
    // A client that leaves the number out does not remove it.
    const { identifier: _i, requisition: _r, ...bare } = stored;
    const kept = await physician.fhir.put(`ServiceRequest/${placed.id}`, { ...bare, note: [{ text: 'seen' }] });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json().requisition.value).toBe(placed.accessionNumber);
  });
});

describe('results', () => {
  let cbcId: string;
  let reportId: string;
  let normalReportId: string;

  it('takes a normal result: ranges and flags computed, the order completed', async () => {
    const normal = (await order({ ...cbc, activate: true })).json().id as string;
    const res = await lab.request('POST', `/orders/${normal}/results`, {
      analytes: [
        { code: '6690-2', value: 7.2, unit: '10*3/uL' },
        { code: '718-7', display: 'Hemoglobin', value: 14.1, unit: 'g/dL', range: { low: 13.5, high: 17.5 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const posted = res.json();
    normalReportId = posted.report.id;
    expect(posted).toMatchObject({ status: 'completed', critical: false });
    expect(posted.alert).toBeUndefined();
    const [wbc, hgb] = posted.observations as Observation[];
    expect(wbc!.interpretation?.[0]?.coding?.[0]?.code).toBe('N');
    expect(wbc!.referenceRange?.[0]).toMatchObject({ low: { value: 4.5 }, high: { value: 11 } });
    expect(hgb!.referenceRange?.[0]).toMatchObject({ low: { value: 13.5 }, high: { value: 17.5 } });
    expect(hgb!.basedOn?.[0]?.reference).toBe(`ServiceRequest/${normal}`);
  });

  it('flags a critical potassium and alerts the ordering clinician', async () => {
    cbcId = (await order(cbc)).json().id;
    await physician.request('POST', `/orders/${cbcId}/activate`);
    const res = await lab.request('POST', `/orders/${cbcId}/results`, {
      status: 'final',
      analytes: [
        { code: '6690-2', value: 2.9, unit: '10*3/uL' },
        { code: '777-3', value: 240, unit: '10*3/uL' },
        { code: '2823-3', display: 'Potassium', value: 7.1, unit: 'mmol/L' },
        { code: '2951-2', value: 131, unit: 'mmol/L', range: { low: 136, high: 145 } },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const posted = res.json();
    reportId = posted.report.id;
    expect(posted.status).toBe('completed');
    expect(posted.critical).toBe(true);
    const flags = (posted.observations as Observation[]).map((o) => o.interpretation?.[0]?.coding?.[0]?.code);
    expect(flags).toEqual(['L', 'N', 'HH', 'L']);
    const potassium = (posted.observations as Observation[])[2]!;
    expect(potassium.referenceRange?.[0]).toMatchObject({ low: { value: 3.5 }, high: { value: 5.1 } });
    expect(posted.report).toMatchObject({ status: 'final', basedOn: [{ reference: `ServiceRequest/${cbcId}` }] });

    const alert = posted.alert as Communication;
    expect(alert).toMatchObject({
      resourceType: 'Communication',
      priority: 'stat',
      category: [{ coding: [{ code: 'alert' }] }],
      recipient: [{ identifier: { system: USER_IDENTIFIER_SYSTEM, value: physician.userId } }],
    });
    expect(alert.about?.[0]?.reference).toBe(`DiagnosticReport/${reportId}`);
    const stored = await physician.fhir.get(
      `Communication?recipient:identifier=${USER_IDENTIFIER_SYSTEM}|${physician.userId}&category=alert`,
    );
    expect(stored.json().entry.map((e: { resource: Communication }) => e.resource.id)).toContain(alert.id);
    const read = await physician.request('GET', `/orders/${cbcId}`);
    expect(read.json().results[0].observations).toHaveLength(4);

    // Published on the outbox with the change: ids and codes, no names or values.
    const events = await admin.request('GET', `/events?type=result.critical&aggregate=DiagnosticReport/${reportId}`);
    expect(events.statusCode, events.body).toBe(200);
    const [event] = events.json().events;
    expect(event.data).toMatchObject({
      reportId,
      orderId: cbcId,
      patientId,
      communicationId: alert.id,
      critical: [{ code: '2823-3', interpretation: 'HH' }],
    });
    expect(event.data.requesterUserId).toBe(physician.userId);
    expect(eventSchemaErrors('result.critical', event.version, event.data)).toEqual([]);
    expect(JSON.stringify(event)).not.toContain('Okafor');
    const placed = await admin.request('GET', `/events?type=order.placed&aggregate=ServiceRequest/${cbcId}`);
    expect(placed.json().events[0].data).toMatchObject({ orderId: cbcId, kind: 'lab', code: '58410-2' });
    expect(eventSchemaErrors('order.placed', 1, placed.json().events[0].data)).toEqual([]);
    const available = await admin.request(
      'GET',
      `/events?type=result.available&aggregate=DiagnosticReport/${reportId}`,
    );
    expect(eventSchemaErrors('result.available', 1, available.json().events[0].data)).toEqual([]);
  });

  it("shows the critical result first in the requester's inbox; acknowledging is audited", async () => {
    const inbox = await physician.request('GET', '/inbox/results?status=new');
    expect(inbox.statusCode, inbox.body).toBe(200);
    const body = inbox.json();
    expect(body.results[0]).toMatchObject({ reportId, critical: true, acknowledged: false });
    expect(body.results.map((r: { reportId: string }) => r.reportId)).toContain(normalReportId);
    expect(body.criticalCount).toBe(1);
    // Another clinician's inbox does not carry them.
    const other = await memberOf(app, tenantId, 'physician');
    expect((await other.request('GET', '/inbox/results')).json().results).toEqual([]);

    const ack = await physician.request('POST', `/inbox/results/${reportId}/acknowledge`);
    expect(ack.statusCode, ack.body).toBe(200);
    const after = (await physician.request('GET', '/inbox/results?status=new')).json();
    expect(after.results.map((r: { reportId: string }) => r.reportId)).not.toContain(reportId);
    const all = (await physician.request('GET', '/inbox/results')).json();
    expect(all.results.find((r: { reportId: string }) => r.reportId === reportId)).toMatchObject({
      acknowledged: true,
    });
    const audit = await admin.request('GET', '/audit/events?action=result-acknowledge');
    expect(audit.statusCode, audit.body).toBe(200);
    expect(JSON.stringify(audit.json())).toContain(reportId);
    expect((await physician.request('POST', '/inbox/results/nope/acknowledge')).statusCode).toBe(404);
    // Front desk staff have no results inbox.
    const desk = await memberOf(app, tenantId, 'front_desk');
    expect((await desk.request('GET', '/inbox/results')).statusCode).toBe(403);
  });

  it('corrects a released result: the report is corrected and new again in the inbox', async () => {
    const refused = await lab.request('POST', `/orders/${cbcId}/results`, {
      status: 'final',
      analytes: [{ code: '2823-3', value: 4.2, unit: 'mmol/L' }],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'RESULT_INVALID_STATUS', path: 'status' });
    const res = await lab.request('POST', `/orders/${cbcId}/results`, {
      status: 'corrected',
      analytes: [{ code: '2823-3', value: 4.2, unit: 'mmol/L' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const posted = res.json();
    expect(posted.report).toMatchObject({ id: reportId, status: 'corrected' });
    expect(posted.observations).toHaveLength(4);
    const potassium = (posted.observations as Observation[]).find((o) => o.code.coding?.[0]?.code === '2823-3')!;
    expect(potassium).toMatchObject({ status: 'corrected', interpretation: [{ coding: [{ code: 'N' }] }] });
    const inbox = (await physician.request('GET', '/inbox/results?status=new')).json();
    expect(inbox.results.find((r: { reportId: string }) => r.reportId === reportId)).toMatchObject({
      acknowledged: false,
      critical: false,
    });
  });

  it('computes ranges and flags for observations written through FHIR', async () => {
    const res = await lab.fhir.post('Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
      subject: { reference: `Patient/${patientId}` },
      valueQuantity: { value: 2.1, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().interpretation[0].coding[0].code).toBe('LL');
    expect(res.json().referenceRange[0].low.value).toBe(3.5);
  });

  it('does the same for a report written through FHIR: order completed, requester alerted once', async () => {
    const id = (await order({ ...cbc, activate: true })).json().id as string;
    const subject = { reference: `Patient/${patientId}` };
    const bundle = await lab.fhir.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:0b8f6d6e-6f1c-4a57-9d43-6d1b1c6f0001',
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '2951-2' }] },
            subject,
            basedOn: [{ reference: `ServiceRequest/${id}` }],
            valueQuantity: { value: 112, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
        {
          resource: {
            resourceType: 'DiagnosticReport',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '2951-2' }] },
            subject,
            basedOn: [{ reference: `ServiceRequest/${id}` }],
            issued: new Date().toISOString(),
            result: [{ reference: 'urn:uuid:0b8f6d6e-6f1c-4a57-9d43-6d1b1c6f0001' }],
          },
          request: { method: 'POST', url: 'DiagnosticReport' },
        },
      ],
    });
    expect(bundle.statusCode, bundle.body).toBe(200);
    const reportLocation = bundle.json().entry[1].response.location as string;
    const report = (await lab.fhir.get(reportLocation.split('/_history')[0]!)).json();
    expect((await physician.request('GET', `/orders/${id}`)).json().status).toBe('completed');
    const alerts = async () =>
      (await physician.fhir.get(`Communication?based-on=ServiceRequest/${id}`)).json().entry ?? [];
    expect(await alerts()).toHaveLength(1);
    // Written again as it was issued: no second alert.
    const again = await lab.fhir.put(`DiagnosticReport/${report.id}`, { ...report, conclusion: 'Hyponatraemia' });
    expect(again.statusCode, again.body).toBe(200);
    expect(await alerts()).toHaveLength(1);
    const inbox = (await physician.request('GET', '/inbox/results?status=new')).json();
    expect(inbox.results[0]).toMatchObject({ reportId: report.id, critical: true });
  });

  it('keeps a preliminary report pending on the summary until the final one', async () => {
    const id = (await order({ ...cbc, activate: true })).json().id as string;
    const prelim = await lab.request('POST', `/orders/${id}/results`, {
      status: 'preliminary',
      analytes: [
        { code: '6690-2', value: 5, unit: '10*3/uL' },
        { code: '777-3', value: 210, unit: '10*3/uL' },
      ],
    });
    expect(prelim.statusCode, prelim.body).toBe(201);
    expect(prelim.json().status).toBe('active');
    const summary = (await physician.request('GET', `/patients/${patientId}/summary`)).json();
    expect(summary.openOrders.map((o: { id: string }) => o.id)).toContain(id);
    expect(summary.pendingResults.map((r: { id: string }) => r.id)).toContain(prelim.json().report.id);
    const final = await lab.request('POST', `/orders/${id}/results`, {
      status: 'final',
      analytes: [{ code: '6690-2', value: 5.1, unit: '10*3/uL' }],
    });
    expect(final.json()).toMatchObject({
      status: 'completed',
      report: { id: prelim.json().report.id, status: 'final' },
    });
    // The final post lists one analyte: the other preliminary one is withdrawn.
    expect(final.json().observations).toHaveLength(1);
    const later = (await physician.request('GET', `/patients/${patientId}/summary`)).json();
    expect(later.openOrders.map((o: { id: string }) => o.id)).not.toContain(id);
    expect(later.pendingResults.map((r: { id: string }) => r.id)).not.toContain(prelim.json().report.id);
  });
});

describe('overdue orders', () => {
  it('lists an active stat order without a result after an hour, most pressing first', async () => {
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
    const requester = { identifier: { system: USER_IDENTIFIER_SYSTEM, value: physician.userId } };
    const make = (priority: string, authoredOn: string) =>
      physician.fhir.create<ServiceRequest>({
        resourceType: 'ServiceRequest',
        status: 'active',
        intent: 'order',
        priority: priority as ServiceRequest['priority'],
        code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
        subject: { reference: `Patient/${patientId}` },
        requester,
        authoredOn,
      });
    const stat = await make('stat', hoursAgo(2));
    const urgent = await make('urgent', hoursAgo(30));
    const fresh = await make('stat', hoursAgo(0.5));
    expect(stat.identifier?.[0]?.value).toMatch(/^A\d{2}-\d{6}$/);
    const inbox = (await physician.request('GET', '/inbox/results')).json();
    const overdue = inbox.overdue.map((o: { orderId: string }) => o.orderId);
    expect(overdue.slice(0, 2)).toEqual([stat.id, urgent.id]);
    expect(overdue).not.toContain(fresh.id);
    expect(inbox.overdue[0]).toMatchObject({ priority: 'stat', accessionNumber: stat.identifier?.[0]?.value });
    expect(inbox.overdue[0].overdueMinutes).toBeGreaterThanOrEqual(59);
  });
});
