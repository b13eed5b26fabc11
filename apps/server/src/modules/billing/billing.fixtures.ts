import { expect } from 'vitest';
import type { SignedIn } from '../../../test/test-app';

/** Test helpers shared by the billing integration tests. */
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
