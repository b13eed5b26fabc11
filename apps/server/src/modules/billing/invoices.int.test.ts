import type { ChargeItem, Invoice } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { createService, finishedVisit, trialBalanced } from './billing.fixtures';

let app: TestApp;
let admin: SignedIn;
let billing: SignedIn;
let physician: SignedIn;
let visitService: { id: string };
let injection: { id: string };

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => new Date('2026-06-01T15:00:00Z') });
  const tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  billing = await signIn(app, { role: 'billing', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
  visitService = await createService(admin);
  injection = await createService(admin, {
    code: { system: 'hcpcs', code: 'J1100', display: 'Dexamethasone injection, 1 mg' },
    title: 'Dexamethasone 1 mg',
    prices: [{ list: 'self-pay', amount: 333, currency: 'USD' }],
    tax: { code: 'sales-tax', rate: '0.0825' },
  });
});
afterAll(async () => app?.close());

async function chargedVisit() {
  const visit = await finishedVisit(physician);
  const res = await billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
    services: [
      { service: visitService.id, diagnoses: ['J20.9'] },
      { service: injection.id, quantity: '2.5', diagnoses: ['J20.9'] },
    ],
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...visit, charges: res.json() as ChargeItem[] };
}

describe('invoices', () => {
  it("invoices a visit's charges with discounts and taxes in exact minor units, and posts them", async () => {
    const visit = await chargedVisit();
    const res = await billing.request('POST', '/billing/invoices', {
      encounter: visit.encounter,
      discounts: [{ charge: visit.charges[0]!.id, percent: '0.10' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const invoice = res.json() as Invoice;
    expect(invoice.status).toBe('issued');
    // Visit: 150.00 − 10% = 135.00, no tax. Injection: 3.33 × 2.5 = 8.325 → 8.32 (half-even), tax 8.25% = 0.6864 → 0.69.
    expect(invoice.lineItem?.map((item) => item.priceComponent?.map((c) => [c.type, c.amount?.value]))).toEqual([
      [
        ['base', 150],
        ['discount', 15],
      ],
      [
        ['base', 8.32],
        ['tax', 0.69],
      ],
    ]);
    expect(invoice.totalNet).toEqual({ value: 143.32, currency: 'USD' });
    expect(invoice.totalGross).toEqual({ value: 144.01, currency: 'USD' });
    const accounts = await trialBalanced(billing);
    expect(accounts['patient-ar']).toBe(14_401);
    expect(accounts['unbilled-ar'] ?? 0).toBe(0);
    expect(accounts['tax-payable']).toBe(-69);
    expect(accounts.discounts).toBe(1_500);
    // The charges are billed now, and nothing is left to invoice.
    const charge = await billing.fhir.get(`ChargeItem/${visit.charges[0]!.id}`);
    expect(charge.json().status).toBe('billed');
    const again = await billing.request('POST', '/billing/invoices', { encounter: visit.encounter });
    expect(again.statusCode).toBe(409);
  });

  it('keeps an issued invoice immutable, even through the FHIR API; a credit note corrects it', async () => {
    const visit = await chargedVisit();
    const invoice = (
      await billing.request('POST', '/billing/invoices', { encounter: visit.encounter })
    ).json() as Invoice;
    const tampered = await billing.fhir.put(`Invoice/${invoice.id}`, {
      ...invoice,
      totalGross: { value: 1, currency: 'USD' },
    });
    expect(tampered.statusCode).toBe(422);
    expect(tampered.json().issue[0].code).toBe('business-rule');
    expect((await billing.fhir.delete(`Invoice/${invoice.id}`)).statusCode).toBe(422);
    const charge = (await billing.fhir.get(`ChargeItem/${visit.charges[1]!.id}`)).json();
    expect((await billing.fhir.put(`ChargeItem/${charge.id}`, { ...charge, quantity: { value: 1 } })).statusCode).toBe(
      422,
    );

    const before = (await trialBalanced(billing))['patient-ar']!;
    const credit = await billing.request('POST', `/billing/invoices/${invoice.id}/credit-notes`, {
      reason: 'injection not given',
      charges: [visit.charges[1]!.id],
    });
    expect(credit.statusCode, credit.body).toBe(201);
    expect(credit.json().totalGross).toEqual({ value: -9.01, currency: 'USD' });
    expect((await trialBalanced(billing))['patient-ar']).toBe(before - 901);
    const twice = await billing.request('POST', `/billing/invoices/${invoice.id}/credit-notes`, {
      reason: 'again',
      charges: [visit.charges[1]!.id],
    });
    expect(twice.statusCode).toBe(409);
  });

  it('prints an invoice as a PDF', async () => {
    const visit = await chargedVisit();
    const invoice = (
      await billing.request('POST', '/billing/invoices', { encounter: visit.encounter })
    ).json() as Invoice;
    const pdf = await billing.request('GET', `/billing/invoices/${invoice.id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.length).toBeGreaterThan(1000);
  });

  it('issues a draft once', async () => {
    const visit = await chargedVisit();
    const draft = await billing.request('POST', '/billing/invoices', { encounter: visit.encounter, issue: false });
    expect(draft.json().status).toBe('draft');
    expect((await trialBalanced(billing))['unbilled-ar']).toBe(15_000 + 832);
    const issued = await billing.request('POST', `/billing/invoices/${draft.json().id}/issue`);
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json().status).toBe('issued');
    expect((await trialBalanced(billing))['unbilled-ar'] ?? 0).toBe(0);
    expect((await billing.request('POST', `/billing/invoices/${draft.json().id}/issue`)).statusCode).toBe(409);
  });
});
