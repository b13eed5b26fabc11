import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import type { TestPaymentGateway } from './gateway';

/** Test helpers shared by the billing integration tests. */

/** One tenant's billing as a test file sees it: its staff signed in, a catalog service, the test gateway. */
export interface BillingClinic {
  app: TestApp;
  tenantId: string;
  admin: SignedIn;
  billing: SignedIn;
  physician: SignedIn;
  /** A clinic visit at 150.00 USD self-pay (see `createService`). */
  service: { id: string; url: string };
  gateway: TestPaymentGateway;
}

/**
 * Sets up a fresh app (sign-in required) and tenant before the file's tests and closes it after them.
 * Call it once at the top of a test file; its fields are there from the first test on.
 */
export function billingClinic(): BillingClinic {
  const clinic = {} as BillingClinic;
  beforeAll(async () => {
    const app = await createTestApp({ authRequired: true });
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    Object.assign(clinic, {
      app,
      tenantId,
      admin,
      billing: await signIn(app, { role: 'billing', tenantId }),
      physician: await signIn(app, { role: 'physician', tenantId }),
      service: await createService(admin),
      gateway: app.app.billingGateway as TestPaymentGateway,
    } satisfies BillingClinic);
  });
  afterAll(async () => clinic.app?.close());
  return clinic;
}

export async function createService(
  admin: SignedIn,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; url: string }> {
  const res = await admin.request('POST', '/billing/catalog', {
    code: { system: 'hcpcs', code: 'G0463', display: 'Hospital outpatient clinic visit' },
    title: 'Clinic visit',
    prices: [
      { list: 'self-pay', amount: 15_000, currency: 'USD' },
      { list: 'payer:acme', amount: 12_000, currency: 'USD' },
    ],
    validFrom: '2026-01-01',
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function finishedVisit(physician: SignedIn): Promise<{ patient: string; encounter: string }> {
  const patient = await physician.fhir.create({
    resourceType: 'Patient',
    name: [{ family: 'Moreau', given: ['Ines'] }],
    gender: 'female',
    birthDate: '1984-03-02',
    address: [{ line: ['12 Elm St'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  });
  const encounter = await physician.fhir.create({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patient.id}` },
    period: { start: '2026-06-01T14:00:00Z', end: '2026-06-01T14:30:00Z' },
  });
  return { patient: patient.id, encounter: encounter.id };
}

export async function trialBalanced(billing: SignedIn): Promise<Record<string, number>> {
  const res = await billing.request('GET', '/billing/ledger/trial-balance');
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { balanced: boolean; accounts: { account: string; currency: string; balance: number }[] };
  expect(body.balanced).toBe(true);
  return Object.fromEntries(body.accounts.map((row) => [row.account, row.balance]));
}
