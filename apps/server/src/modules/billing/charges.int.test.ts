import type { ChargeItem } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { createService, finishedVisit, trialBalanced } from './billing.fixtures';

let app: TestApp;
let admin: SignedIn;
let billing: SignedIn;
let physician: SignedIn;
let service: { id: string };

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => new Date('2026-06-01T15:00:00Z') });
  const tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  billing = await signIn(app, { role: 'billing', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
  service = await createService(admin, { tax: { code: 'sales-tax', rate: '0.0825' } });
});
afterAll(async () => app?.close());

describe('the service catalog', () => {
  it('stores services as FHIR ChargeItemDefinitions with prices per price list, tax and validity', async () => {
    const read = await billing.fhir.get(`ChargeItemDefinition/${service.id}`);
    expect(read.statusCode).toBe(200);
    const definition = read.json();
    expect(definition.code.coding[0]).toMatchObject({ code: 'G0463' });
    expect(definition.effectivePeriod).toEqual({ start: '2026-01-01' });
    const prices = definition.propertyGroup[0].priceComponent;
    expect(prices.map((p: { amount: { value: number } }) => p.amount.value)).toEqual([150, 120]);
    expect(definition.propertyGroup[1].priceComponent[0]).toMatchObject({ type: 'tax', factor: 0.0825 });
  });

  it('refuses a code that is not HCPCS Level II, naming the field; billing staff may not edit prices', async () => {
    const bad = await admin.request('POST', '/billing/catalog', {
      code: { system: 'hcpcs', code: '99213' },
      title: 'Office visit',
      prices: [{ list: 'self-pay', amount: 100, currency: 'USD' }],
      validFrom: '2026-01-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().path).toBe('code.code');
    const byBilling = await billing.request('POST', '/billing/catalog', {
      code: { system: 'tenant', code: 'X-1' },
      title: 'Own code',
      prices: [{ list: 'self-pay', amount: 100, currency: 'USD' }],
      validFrom: '2026-01-01',
    });
    expect(byBilling.statusCode).toBe(403);
  });
});

describe('charges', () => {
  it('charges the services of a visit with diagnoses and modifiers, priced from the list, posted as unbilled revenue', async () => {
    const visit = await finishedVisit(physician);
    const res = await billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
      priceList: 'payer:acme',
      services: [{ service: service.id, quantity: 2, diagnoses: ['J20.9'], modifiers: ['25'] }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [charge] = res.json() as ChargeItem[];
    expect(charge).toMatchObject({
      status: 'billable',
      subject: { reference: `Patient/${visit.patient}` },
      context: { reference: `Encounter/${visit.encounter}` },
      priceOverride: { value: 120, currency: 'USD' },
      quantity: { value: 2 },
      reason: [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'J20.9' }] }],
    });
    expect(charge!.occurrenceDateTime).toBe('2026-06-01T14:00:00Z');
    const accounts = await trialBalanced(billing);
    expect(accounts['unbilled-ar']).toBe(24_000);

    // Voiding reverses the revenue; a voided charge cannot be voided again.
    const voided = await billing.request('POST', `/billing/charges/${charge!.id}/void`, { reason: 'entered twice' });
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json().status).toBe('entered-in-error');
    expect((await trialBalanced(billing))['unbilled-ar']).toBe(0);
    expect((await billing.request('POST', `/billing/charges/${charge!.id}/void`, { reason: 'again' })).statusCode).toBe(
      409,
    );
  });

  it('refuses an unknown service or a date outside its validity, and a malformed diagnosis', async () => {
    const visit = await finishedVisit(physician);
    const unknown = await billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
      services: [{ service: 'nope' }],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().path).toBe('services.0.service');
    const late = await createService(admin, { validFrom: '2027-01-01' });
    const outside = await billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
      services: [{ service: late.id }],
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().code).toBe('BILLING_NO_PRICE');
    const badDiagnosis = await billing.request('POST', '/billing/charges', {
      patient: visit.patient,
      service: service.id,
      diagnoses: ['bronchitis'],
    });
    expect(badDiagnosis.statusCode).toBe(400);
    expect(badDiagnosis.json().path).toBe('diagnoses.0');
  });

  it('makes a provisional charge when an appointment is booked (appointment.booked) and voids it on cancellation', async () => {
    const visit = await finishedVisit(physician);
    const tenantId = billing.tenantId;
    // The catalog entry whose code is the appointment's visit type.
    await createService(admin, {
      code: { system: 'tenant', code: 'follow-up' },
      title: 'Follow-up visit',
      prices: [{ list: 'self-pay', amount: 8_000, currency: 'USD' }],
    });
    const publish = async (type: string, appointment: string, extra: Record<string, unknown> = {}) => {
      await app.db.transaction(tenantId, (tx) =>
        app.events.publish(tx, tenantId, {
          type,
          version: 1,
          aggregate: { type: 'Appointment', id: appointment },
          data: { appointment, patient: visit.patient, start: '2026-06-03T09:00:00Z', ...extra },
        }),
      );
      await app.events.drain();
    };
    const booked = async (appointment: string) =>
      ((await billing.request('GET', `/billing/charges?patient=${visit.patient}`)).json() as ChargeItem[]).filter(
        (charge) => charge.identifier?.[0]?.value === appointment,
      );
    await publish('appointment.booked', 'appt-1', { visitType: 'follow-up' });
    // Delivered at least once: a second delivery adds nothing.
    await publish('appointment.booked', 'appt-1', { visitType: 'follow-up' });
    const [provisional, ...more] = await booked('appt-1');
    expect(more).toEqual([]);
    expect(provisional).toMatchObject({
      status: 'planned',
      definitionCanonical: [expect.stringMatching(/^urn:uuid:/)],
      priceOverride: { value: 80, currency: 'USD' },
      occurrenceDateTime: '2026-06-03T09:00:00Z',
    });
    await publish('appointment.cancelled', 'appt-1');
    expect((await booked('appt-1'))[0]!.status).toBe('not-billable');
  });

  it('confirms a provisional charge, which then posts its revenue', async () => {
    const visit = await finishedVisit(physician);
    const before = (await trialBalanced(billing))['unbilled-ar'] ?? 0;
    const res = await billing.request('POST', '/billing/charges', {
      patient: visit.patient,
      service: service.id,
      provisional: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).toBe('planned');
    expect((await trialBalanced(billing))['unbilled-ar'] ?? 0).toBe(before);
    const confirmed = await billing.request('POST', `/billing/charges/${res.json().id}/confirm`, {
      encounter: visit.encounter,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({
      status: 'billable',
      context: { reference: `Encounter/${visit.encounter}` },
    });
    expect((await trialBalanced(billing))['unbilled-ar']).toBe(before + 15_000);
  });
});
