import { randomUUID } from 'node:crypto';
import type { ChargeItem, Invoice } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { billingClinic, finishedVisit, trialBalanced } from './billing.fixtures';

const clinic = billingClinic();

/** A patient with an issued invoice of 150.00 USD. */
async function invoicedPatient() {
  const visit = await finishedVisit(clinic.physician);
  const charges = await clinic.billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
    services: [{ service: clinic.service.id }],
  });
  expect(charges.statusCode, charges.body).toBe(201);
  const invoice = await clinic.billing.request('POST', '/billing/invoices', { encounter: visit.encounter });
  expect(invoice.statusCode, invoice.body).toBe(201);
  return { ...visit, charge: (charges.json() as ChargeItem[])[0]!, invoice: invoice.json() as Invoice };
}

function pay(body: Record<string, unknown>, key: string | null = randomUUID()) {
  return clinic.app.app.inject({
    method: 'POST',
    url: '/billing/payments',
    headers: { authorization: `Bearer ${clinic.billing.accessToken}`, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body,
  });
}

async function balance(patient: string) {
  return (await clinic.billing.request('GET', `/billing/patients/${patient}/balance`)).json().balances[0];
}

describe('payments', () => {
  it('takes a partial card payment, then an overpayment in cash that becomes patient credit, then refunds the credit', async () => {
    const { patient, invoice } = await invoicedPatient();
    const card = await pay({
      patient,
      invoice: invoice.id,
      amount: 5_000,
      currency: 'USD',
      method: 'card',
      card: { token: 'tok_visa' },
    });
    expect(card.statusCode, card.body).toBe(201);
    expect(card.json()).toMatchObject({ method: 'card', amount: 5_000, applied: 5_000, credited: 0 });
    expect(card.json().gatewayCharge).toMatch(/^ch_/);
    expect(await balance(patient)).toEqual({ currency: 'USD', receivable: 10_000, credit: 0, due: 10_000 });

    const cash = await pay({ patient, amount: 12_000, currency: 'USD', method: 'cash' });
    expect(cash.json()).toMatchObject({ applied: 10_000, credited: 2_000 });
    expect(await balance(patient)).toEqual({ currency: 'USD', receivable: 0, credit: 2_000, due: -2_000 });
    await trialBalanced(clinic.billing);

    const refund = await clinic.app.app.inject({
      method: 'POST',
      url: `/billing/payments/${cash.json().id}/refunds`,
      headers: { authorization: `Bearer ${clinic.billing.accessToken}`, 'idempotency-key': randomUUID() },
      payload: { amount: 2_000, reason: 'overpaid' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(await balance(patient)).toEqual({ currency: 'USD', receivable: 0, credit: 0, due: 0 });
    const accounts = await trialBalanced(clinic.billing);
    expect(accounts['patient-credit'] ?? 0).toBe(0);
    // No more than was paid is refunded.
    const tooMuch = await clinic.app.app.inject({
      method: 'POST',
      url: `/billing/payments/${cash.json().id}/refunds`,
      headers: { authorization: `Bearer ${clinic.billing.accessToken}`, 'idempotency-key': randomUUID() },
      payload: { amount: 10_001, reason: 'too much' },
    });
    expect(tooMuch.statusCode).toBe(409);
  });

  it('needs an Idempotency-Key; a declined card posts nothing', async () => {
    const { patient } = await invoicedPatient();
    const none = await pay({ patient, amount: 100, currency: 'USD', method: 'cash' }, null);
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('BILLING_IDEMPOTENCY_KEY_REQUIRED');
    const declined = await pay({
      patient,
      amount: 100,
      currency: 'USD',
      method: 'card',
      card: { token: 'tok_declined' },
    });
    expect(declined.statusCode).toBe(402);
    expect(declined.json().code).toBe('BILLING_PAYMENT_DECLINED');
    expect((await balance(patient)).receivable).toBe(15_000);
    // A payment names an existing patient, and only an invoice of theirs.
    const nobody = await pay({ patient: 'no-such-patient', amount: 100, currency: 'USD', method: 'cash' });
    expect(nobody.statusCode).toBe(422);
    expect(nobody.json().path).toBe('patient');
    const other = await invoicedPatient();
    const wrong = await pay({ patient, invoice: other.invoice.id, amount: 100, currency: 'USD', method: 'cash' });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().path).toBe('invoice');
  });

  it('charges once for 100 concurrent retries with one Idempotency-Key: one payment, one ledger entry', async () => {
    const { patient } = await invoicedPatient();
    const key = randomUUID();
    const before = clinic.gateway.charges.length;
    const body = { patient, amount: 2_500, currency: 'USD', method: 'card', card: { token: 'tok_visa' } };
    const answers = await Promise.all(Array.from({ length: 100 }, () => pay(body, key)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(100).fill(201));
    const ids = new Set(answers.map((answer) => answer.json().id));
    expect(ids.size).toBe(1);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(99);
    expect(clinic.gateway.charges.length - before).toBe(1);
    const payments = (await clinic.billing.request('GET', `/billing/payments?patient=${patient}`)).json();
    expect(payments).toHaveLength(1);
    const entries = (
      await clinic.billing.request('GET', `/billing/ledger/entries?source=Payment/${[...ids][0]}`)
    ).json();
    expect(entries).toHaveLength(1);
    expect((await balance(patient)).receivable).toBe(12_500);

    // The same key with another body is refused and charges nothing.
    const other = await pay({ ...body, amount: 2_600 }, key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('BILLING_IDEMPOTENCY_KEY_REUSED');
    expect(clinic.gateway.charges.length - before).toBe(1);
  });

  it('leaves all or nothing when the server dies between the gateway and the commit; the retry charges once', async () => {
    const { patient } = await invoicedPatient();
    const key = randomUUID();
    const body = { patient, amount: 1_000, currency: 'USD', method: 'card', card: { token: 'tok_visa' } };
    const before = clinic.gateway.charges.length;
    const original = clinic.gateway.charge.bind(clinic.gateway);
    clinic.gateway.charge = async (input) => {
      await original(input);
      throw new Error('process killed');
    };
    const crashed = await pay(body, key);
    clinic.gateway.charge = original;
    expect(crashed.statusCode).toBe(500);
    expect((await clinic.billing.request('GET', `/billing/payments?patient=${patient}`)).json()).toHaveLength(0);
    expect((await balance(patient)).receivable).toBe(15_000);
    await trialBalanced(clinic.billing);

    const retried = await pay(body, key);
    expect(retried.statusCode, retried.body).toBe(201);
    // The gateway answered the retry from its own idempotency key: the card was charged once.
    expect(clinic.gateway.charges.length - before).toBe(1);
    expect(retried.json().gatewayCharge).toBe(clinic.gateway.charges.at(-1)!.id);
    expect((await balance(patient)).receivable).toBe(14_000);
  });

  it('accepts only signed gateway webhooks, once each; a settlement moves card money to the bank', async () => {
    const { patient } = await invoicedPatient();
    const paid = await pay({ patient, amount: 3_000, currency: 'USD', method: 'card', card: { token: 'tok_visa' } });
    const event = {
      id: `evt_${randomUUID()}`,
      type: 'charge.settled',
      data: { charge: paid.json().gatewayCharge, metadata: { tenant: clinic.tenantId } },
    };
    const send = (body: string, signature?: string) =>
      clinic.app.app.inject({
        method: 'POST',
        url: '/billing/gateway/webhooks',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'meridian-gateway-signature': signature } : {}),
        },
        payload: body,
      });
    const signed = clinic.gateway.webhook(event);
    expect((await send(signed.body)).statusCode).toBe(401);
    // One hex digit of the signature flipped (always to a different digit).
    const tampered = signed.signature.replace(/v1=(.)/, (_m, digit: string) => `v1=${digit === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(signed.signature);
    expect((await send(signed.body, tampered)).statusCode).toBe(401);
    // A body changed after signing fails too.
    expect(
      (await send(signed.body.replace('3000', '3001').replace('settled', 'refunded'), signed.signature)).statusCode,
    ).toBe(401);
    const old = clinic.gateway.webhook(event, Math.floor(Date.now() / 1000) - 3600);
    expect((await send(old.body, old.signature)).statusCode).toBe(401);

    const bankBefore = (await trialBalanced(clinic.billing)).bank ?? 0;
    const ok = await send(signed.body, signed.signature);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ received: true, duplicate: false });
    expect((await send(signed.body, signed.signature)).json()).toEqual({ received: true, duplicate: true });
    expect((await trialBalanced(clinic.billing)).bank).toBe(bankBefore + 3_000);
  });
});
