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

/** A payer, the clinic as the claims' provider, and the patient's active coverage (group GRP100) with that payer. */
export async function insuranceFor(
  clinic: Pick<BillingClinic, 'admin' | 'billing'>,
  patient: string,
): Promise<{ provider: string; payer: string; coverage: string }> {
  const provider = await clinic.admin.fhir.create({
    resourceType: 'Organization',
    name: 'Riverside Family Clinic',
    identifier: [
      { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' },
      { system: 'urn:oid:2.16.840.1.113883.4.4', value: '12-3456789' },
    ],
    telecom: [{ system: 'phone', value: '217-555-0100' }],
    address: [{ line: ['400 Main St'], city: 'Springfield', state: 'IL', postalCode: '62701' }],
  });
  const payer = await clinic.admin.fhir.create({
    resourceType: 'Organization',
    name: 'Acme Health Plan',
    identifier: [{ system: 'https://meridian.health/fhir/sid/payer-id', value: 'ACME01' }],
  });
  const coverage = await clinic.billing.fhir.create({
    resourceType: 'Coverage',
    status: 'active',
    beneficiary: { reference: `Patient/${patient}` },
    subscriberId: 'XZ998877',
    relationship: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }],
    },
    payor: [{ reference: `Organization/${payer.id}` }],
    class: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group' }] },
        value: 'GRP100',
      },
    ],
  });
  return { provider: provider.id, payer: payer.id, coverage: coverage.id };
}

/** An X12 835 from Acme Health Plan paying `paid` (dollars) with the given claim segments (CLP, CAS, ...). */
export function remittance835(controlNumber: string, lines: string[], paid: string): string {
  const segments = [
    'ISA*00*          *00*          *ZZ*ACME01         *ZZ*1234567893     *260610*1200*^*00501*000000777*0*T*:',
    'GS*HP*ACME01*1234567893*20260610*1200*777*X*005010X221A1',
    'ST*835*0001',
    `BPR*I*${paid}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260610`,
    `TRN*1*EFT${controlNumber.slice(0, 8)}*1512345678`,
    'N1*PR*ACME HEALTH PLAN',
    'REF*2U*ACME01',
    'N1*PE*RIVERSIDE FAMILY CLINIC*XX*1234567893',
    ...lines,
    `SE*${lines.length + 8}*0001`,
    'GE*1*777',
    'IEA*1*000000777',
  ];
  return `${segments.join('~\n')}~`;
}
