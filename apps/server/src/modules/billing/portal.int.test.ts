import { randomUUID } from 'node:crypto';
import type { AuditEvent, Bundle, Claim, Invoice } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { type Member, member } from '../access/access-fixtures.int-helpers';
import { billingClinic, finishedVisit, insuranceFor, remittance835, trialBalanced } from './billing.fixtures';

const clinic = billingClinic();

/**
 * A patient with an issued invoice of 150.00 USD (or a draft), signed in to the portal as themselves.
 * `diagnoses` (ICD-10-CM) go on the charge, as a claim needs them.
 */
async function portalPatient(options: { issue?: boolean; diagnoses?: string[] } = {}) {
  const visit = await finishedVisit(clinic.physician);
  const charges = await clinic.billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
    services: [{ service: clinic.service.id, ...(options.diagnoses ? { diagnoses: options.diagnoses } : {}) }],
  });
  expect(charges.statusCode, charges.body).toBe(201);
  const invoice = await clinic.billing.request('POST', '/billing/invoices', {
    encounter: visit.encounter,
    issue: options.issue ?? true,
  });
  expect(invoice.statusCode, invoice.body).toBe(201);
  const portal = await member(clinic.app, clinic.tenantId, 'patient', `Patient/${visit.patient}`);
  return { patient: visit.patient, invoice: invoice.json() as Invoice, portal };
}

function pay(portal: Member, invoice: string, body: Record<string, unknown>, key: string | null = randomUUID()) {
  return portal.request(
    'POST',
    `/billing/portal/invoices/${invoice}/payments`,
    body,
    key ? { 'idempotency-key': key } : {},
  );
}

const card = (amount: number, token = 'tok_visa') => ({ amount, card: { token } });

async function myInvoices(portal: Member) {
  const res = await portal.request('GET', '/billing/portal/invoices');
  expect(res.statusCode, res.body).toBe(200);
  return res.json().invoices as {
    id: string;
    openBalance: number;
    paid: number;
    payable: boolean;
    status: string;
    insurer: { expected: number; paid: number; adjusted: number };
  }[];
}

async function ledgerBalance(patient: string) {
  return (await clinic.billing.request('GET', `/billing/patients/${patient}/balance`)).json().balances[0];
}

async function auditOf(patient: string): Promise<{ action: string; outcome: string | undefined; user?: string }[]> {
  const bundle = (await clinic.admin.request('GET', `/audit/events?patient=${patient}`)).json() as Bundle<AuditEvent>;
  return (bundle.entry ?? []).map((entry) => ({
    action: entry.resource!.subtype?.[0]?.code ?? '',
    outcome: entry.resource!.outcome,
    user: entry.resource!.agent[0]?.who?.identifier?.value,
  }));
}

describe('the patient portal pays its own invoices', () => {
  it('lists the patient’s invoices with their open balance; a partial then a full card payment leave 0 open', async () => {
    const { patient, invoice, portal } = await portalPatient();
    expect(await myInvoices(portal)).toEqual([
      expect.objectContaining({
        id: invoice.id,
        kind: 'invoice',
        status: 'issued',
        currency: 'USD',
        total: 15_000,
        paid: 0,
        openBalance: 15_000,
        payable: true,
        lineCount: 1,
      }),
    ]);
    const before = clinic.gateway.charges.length;

    const partial = await pay(portal, invoice.id!, card(5_000));
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({
      kind: 'payment',
      method: 'card',
      patient,
      invoice: invoice.id,
      amount: 5_000,
      applied: 5_000,
      credited: 0,
      currency: 'USD',
    });
    expect(partial.json().gatewayCharge).toMatch(/^ch_/);
    expect(await myInvoices(portal)).toEqual([expect.objectContaining({ paid: 5_000, openBalance: 10_000 })]);
    // The ledger moved as for the desk's card payment: card clearing up, the patient's receivable down.
    expect(await ledgerBalance(patient)).toEqual({ currency: 'USD', receivable: 10_000, credit: 0, due: 10_000 });

    const rest = await pay(portal, invoice.id!, card(10_000));
    expect(rest.statusCode, rest.body).toBe(201);
    expect(await myInvoices(portal)).toEqual([
      expect.objectContaining({ paid: 15_000, openBalance: 0, payable: false }),
    ]);
    expect(await ledgerBalance(patient)).toEqual({ currency: 'USD', receivable: 0, credit: 0, due: 0 });
    expect(clinic.gateway.charges.length - before).toBe(2);
    const accounts = await trialBalanced(clinic.billing);
    expect(accounts['card-clearing']).toBeGreaterThanOrEqual(15_000);

    // The desk sees the patient's payments as its own, and the audit trail names the patient as the payer.
    const payments = (await clinic.billing.request('GET', `/billing/payments?patient=${patient}`)).json();
    expect(payments.map((row: { amount: number }) => row.amount)).toEqual([5_000, 10_000]);
    const trail = await auditOf(patient);
    expect(trail.filter((event) => event.action === 'payment-post')).toEqual([
      { action: 'payment-post', outcome: '0', user: portal.userId },
      { action: 'payment-post', outcome: '0', user: portal.userId },
    ]);
    expect(trail.filter((event) => event.action === 'search' && event.user === portal.userId)).toHaveLength(3);

    // Nothing is owed any more: another payment is refused.
    const more = await pay(portal, invoice.id!, card(100));
    expect(more.statusCode).toBe(409);
    expect(more.json()).toMatchObject({ code: 'BILLING_STATE_CONFLICT', path: 'invoice' });
  });

  it("answers 404 for another patient's invoice, as for one that does not exist, and charges nothing", async () => {
    const mine = await portalPatient();
    const theirs = await portalPatient();
    const before = clinic.gateway.charges.length;
    const other = await pay(mine.portal, theirs.invoice.id!, card(1_000));
    expect(other.statusCode).toBe(404);
    const missing = await pay(mine.portal, randomUUID(), card(1_000));
    expect(missing.statusCode).toBe(404);
    expect(other.json().code).toBe('BILLING_NOT_FOUND');
    expect(missing.json().code).toBe('BILLING_NOT_FOUND');
    expect(clinic.gateway.charges.length).toBe(before);
    expect((await ledgerBalance(theirs.patient)).receivable).toBe(15_000);
    // Their invoice is not in my list; the refused attempt is on record.
    expect((await myInvoices(mine.portal)).map((row) => row.id)).toEqual([mine.invoice.id]);
    expect(await auditOf(mine.patient)).toContainEqual({
      action: 'payment-post',
      outcome: '4',
      user: mine.portal.userId,
    });
  });

  it('refuses more than the open balance, bad amounts, other methods and declined cards, with the path', async () => {
    const { patient, invoice, portal } = await portalPatient();
    const over = await pay(portal, invoice.id!, card(15_001));
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({
      code: 'BILLING_AMOUNT_OVER_BALANCE',
      path: 'amount',
      openBalance: 15_000,
      currency: 'USD',
    });
    for (const amount of [0, -5, 10.5, '100']) {
      const bad = await pay(portal, invoice.id!, { amount, card: { token: 'tok_visa' } });
      expect(bad.statusCode, `amount ${amount}`).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'BILLING_INVALID_REQUEST', path: 'amount' });
    }
    const cash = await pay(portal, invoice.id!, { amount: 100, method: 'cash' });
    expect(cash.statusCode).toBe(400);
    expect(cash.json().path).toBe('method');
    const noCard = await pay(portal, invoice.id!, { amount: 100 });
    expect(noCard.json()).toMatchObject({ code: 'BILLING_INVALID_REQUEST', path: 'card' });
    const declined = await pay(portal, invoice.id!, card(1_000, 'tok_declined'));
    expect(declined.statusCode).toBe(402);
    expect(declined.json().code).toBe('BILLING_PAYMENT_DECLINED');
    expect((await ledgerBalance(patient)).receivable).toBe(15_000);
    expect((await myInvoices(portal))[0]!.openBalance).toBe(15_000);

    // A draft invoice is not open for payment.
    const draft = await portalPatient({ issue: false });
    const early = await pay(draft.portal, draft.invoice.id!, card(100));
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'BILLING_STATE_CONFLICT', path: 'invoice' });
    expect(await myInvoices(draft.portal)).toEqual([]);
  });

  it('needs an Idempotency-Key and answers a retry with the first payment; two payments at once cannot overpay', async () => {
    const { patient, invoice, portal } = await portalPatient();
    const none = await pay(portal, invoice.id!, card(1_000), null);
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'BILLING_IDEMPOTENCY_KEY_REQUIRED', path: 'Idempotency-Key' });

    const key = randomUUID();
    const before = clinic.gateway.charges.length;
    const answers = await Promise.all(Array.from({ length: 5 }, () => pay(portal, invoice.id!, card(4_000), key)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(5).fill(201));
    expect(new Set(answers.map((answer) => answer.json().id)).size).toBe(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(clinic.gateway.charges.length - before).toBe(1);
    expect((await clinic.billing.request('GET', `/billing/payments?patient=${patient}`)).json()).toHaveLength(1);
    expect((await myInvoices(portal))[0]!.openBalance).toBe(11_000);
    // The same key for another amount is refused and charges nothing.
    const reused = await pay(portal, invoice.id!, card(4_001), key);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('BILLING_IDEMPOTENCY_KEY_REUSED');

    // 11,000 open: two payments of 6,000 under different keys at once; only one fits.
    const race = await Promise.all([pay(portal, invoice.id!, card(6_000)), pay(portal, invoice.id!, card(6_000))]);
    expect(race.map((answer) => answer.statusCode).sort()).toEqual([201, 422]);
    expect((await myInvoices(portal))[0]!.openBalance).toBe(5_000);
    expect((await ledgerBalance(patient)).receivable).toBe(5_000);
    expect(clinic.gateway.charges.length - before).toBe(2);
  });

  it('keeps a patient’s keys their own: the same key from two patients makes two payments', async () => {
    const a = await portalPatient();
    const b = await portalPatient();
    const key = `shared-${randomUUID()}`;
    const first = await pay(a.portal, a.invoice.id!, card(1_000), key);
    const second = await pay(b.portal, b.invoice.id!, card(1_000), key);
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json().patient).toBe(b.patient);
  });

  it('takes credit notes and payments made at the desk into account', async () => {
    const { patient, invoice, portal } = await portalPatient();
    const cash = await clinic.app.app.inject({
      method: 'POST',
      url: '/billing/payments',
      headers: { authorization: `Bearer ${clinic.billing.accessToken}`, 'idempotency-key': randomUUID() },
      payload: { patient, amount: 2_000, currency: 'USD', method: 'cash' },
    });
    expect(cash.statusCode, cash.body).toBe(201);
    // A payment not made on an invoice still lowers what the patient owes on it.
    expect((await myInvoices(portal))[0]).toMatchObject({ paid: 0, openBalance: 13_000 });
    const credit = await clinic.billing.request('POST', `/billing/invoices/${invoice.id}/credit-notes`, {
      reason: 'visit not billable',
    });
    expect(credit.statusCode, credit.body).toBe(201);
    const rows = await myInvoices(portal);
    expect(rows.find((row) => row.id === invoice.id)).toMatchObject({ openBalance: 0, payable: false });
    expect(rows.find((row) => row.id === credit.json().id)).toMatchObject({ kind: 'credit-note', payable: false });
    expect((await pay(portal, invoice.id!, card(100))).statusCode).toBe(409);
  });
});

describe('an invoice claimed to an insurer', () => {
  it('is owed by no one while the insurer has not answered, then the patient owes only their part', async () => {
    const { patient, invoice, portal } = await portalPatient({ diagnoses: ['J20.9'] });
    const insurance = await insuranceFor(clinic, patient);
    const submitted = await clinic.billing.request('POST', '/billing/claims', {
      invoice: invoice.id,
      coverage: insurance.coverage,
      provider: insurance.provider,
    });
    expect(submitted.statusCode, submitted.body).toBe(201);

    // All 150.00 moved to the insurer: nothing to pay, and not paid either.
    expect(await myInvoices(portal)).toEqual([
      expect.objectContaining({
        id: invoice.id,
        status: 'issued',
        paid: 0,
        openBalance: 0,
        payable: false,
        insurer: { expected: 15_000, paid: 0, adjusted: 0 },
      }),
    ]);
    expect((await pay(portal, invoice.id!, card(100))).statusCode).toBe(409);

    // The insurer pays 100.00 and takes 20.00 off by contract; the 30.00 coinsurance is the patient's.
    const pcn = (submitted.json() as Claim).identifier![0]!.value!;
    const remitted = await clinic.billing.request('POST', '/billing/remittances', {
      x12: remittance835(pcn, [`CLP*${pcn}*1*150*100*30*12*PAYERCLAIM9`, 'CAS*CO*45*20', 'CAS*PR*2*30'], '100'),
    });
    expect(remitted.statusCode, remitted.body).toBe(200);
    expect((await myInvoices(portal))[0]).toMatchObject({
      openBalance: 3_000,
      payable: true,
      insurer: { expected: 0, paid: 10_000, adjusted: 2_000 },
    });
    expect((await pay(portal, invoice.id!, card(3_000))).statusCode).toBe(201);
    expect((await myInvoices(portal))[0]).toMatchObject({ paid: 3_000, openBalance: 0, payable: false });
  });

  it('documents the insurer share in the OpenAPI document', async () => {
    const spec = (await clinic.app.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const item =
      spec.paths['/billing/portal/invoices'].get.responses['200'].content['application/json'].schema.properties.invoices
        .items;
    expect(Object.keys(item.properties.insurer.properties)).toEqual(['expected', 'paid', 'adjusted']);
  });
});

describe('staff-only billing stays staff-only', () => {
  it('refuses the desk’s payment API to patients and the portal’s API to staff and to unlinked accounts', async () => {
    const { patient, invoice, portal } = await portalPatient();
    const deskPay = await portal.request(
      'POST',
      '/billing/payments',
      { patient, invoice: invoice.id, amount: 100, currency: 'USD', method: 'card', card: { token: 'tok_visa' } },
      { 'idempotency-key': randomUUID() },
    );
    expect(deskPay.statusCode).toBe(403);
    expect(deskPay.json().code).toBe('AUTH_FORBIDDEN');
    for (const url of [`/billing/payments?patient=${patient}`, `/billing/patients/${patient}/balance`]) {
      expect((await portal.request('GET', url)).statusCode, url).toBe(403);
    }
    // Billing staff and clinicians use the desk, not a patient's portal.
    expect((await clinic.billing.request('GET', '/billing/portal/invoices')).statusCode).toBe(403);
    const staffPay = await clinic.app.app.inject({
      method: 'POST',
      url: `/billing/portal/invoices/${invoice.id}/payments`,
      headers: { authorization: `Bearer ${clinic.physician.accessToken}`, 'idempotency-key': randomUUID() },
      payload: card(100),
    });
    expect(staffPay.statusCode).toBe(403);
    // A patient account linked to no record has no invoices to see or pay.
    const unlinked = await member(clinic.app, clinic.tenantId, 'patient');
    const refused = await unlinked.request('GET', '/billing/portal/invoices');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('BILLING_NO_PATIENT_RECORD');
    // A signed-out caller is refused too.
    const anonymous = await clinic.app.app.inject({ method: 'GET', url: '/billing/portal/invoices' });
    expect(anonymous.statusCode).toBe(401);
  });
});
