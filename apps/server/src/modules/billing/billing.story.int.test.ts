import { randomUUID } from 'node:crypto';
import type { ChargeItem, Claim, Invoice } from '@medplum/fhirtypes';
import { type X12Interchange, X12Parser } from 'node-x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemaErrors } from '../../../test/event-schemas';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';
import { createService, finishedVisit, insuranceFor, remittance835, trialBalanced } from './billing.fixtures';

let app: TestApp;
let admin: SignedIn;
let billing: SignedIn;
let physician: SignedIn;
let tenantId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true }, { now: () => new Date('2026-06-02T10:00:00Z') });
  tenantId = newTenantId();
  admin = await signIn(app, { role: 'tenant_admin', tenantId });
  billing = await signIn(app, { role: 'billing', tenantId });
  physician = await signIn(app, { role: 'physician', tenantId });
});
afterAll(async () => app?.close());

const segmentsOf = (x12: string) => {
  const interchange = new X12Parser(true).parse(x12) as X12Interchange;
  expect(interchange.functionalGroups).toHaveLength(1);
  const transaction = interchange.functionalGroups[0]!.transactions[0]!;
  // node-x12 keeps ST and SE apart from the body.
  const all = [transaction.header, ...transaction.segments, transaction.trailer];
  return {
    interchange,
    segments: all.map((segment) => [segment.tag, ...segment.elements.map((element) => element.value)]),
  };
};

describe('the billing story', () => {
  it('visit → charges → invoice → partial card payment → 837P claim → 835 remittance → zero balance, balanced at every step', async () => {
    const service = await createService(admin);
    const visit = await finishedVisit(physician);
    const insurance = await insuranceFor({ admin, billing }, visit.patient);

    const eligibility = await billing.request('POST', `/billing/coverages/${insurance.coverage}/eligibility`, {
      inforce: true,
    });
    expect(eligibility.statusCode, eligibility.body).toBe(201);
    expect(eligibility.json().insurance[0].inforce).toBe(true);

    const charged = await billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
      services: [{ service: service.id, diagnoses: ['J20.9', 'R05.9'], modifiers: ['25'] }],
    });
    expect(charged.statusCode, charged.body).toBe(201);
    expect((charged.json() as ChargeItem[])[0]!.status).toBe('billable');
    expect((await trialBalanced(billing))['unbilled-ar']).toBe(15_000);

    const invoice = (
      await billing.request('POST', '/billing/invoices', { encounter: visit.encounter })
    ).json() as Invoice;
    expect(invoice.totalGross).toEqual({ value: 150, currency: 'USD' });
    expect((await trialBalanced(billing))['patient-ar']).toBe(15_000);

    const payment = await app.app.inject({
      method: 'POST',
      url: '/billing/payments',
      headers: { authorization: `Bearer ${billing.accessToken}`, 'idempotency-key': randomUUID() },
      payload: {
        patient: visit.patient,
        invoice: invoice.id,
        amount: 5_000,
        currency: 'USD',
        method: 'card',
        card: { token: 'tok_visa' },
      },
    });
    expect(payment.statusCode, payment.body).toBe(201);
    expect((await trialBalanced(billing))['patient-ar']).toBe(10_000);

    const submitted = await billing.request('POST', '/billing/claims', {
      invoice: invoice.id,
      coverage: insurance.coverage,
      provider: insurance.provider,
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const claim = submitted.json() as Claim;
    expect(claim.diagnosis?.map((d) => d.diagnosisCodeableConcept?.coding?.[0]?.code)).toEqual(['J20.9', 'R05.9']);
    let accounts = await trialBalanced(billing);
    expect(accounts['patient-ar'] ?? 0).toBe(0);
    expect(accounts['insurer-ar']).toBe(10_000);
    const payerBalance = await billing.request('GET', `/billing/payers/${insurance.payer}/balance`);
    expect(payerBalance.json().balances).toEqual([{ currency: 'USD', receivable: 10_000 }]);

    // The 837P, read back by an independent X12 parser.
    const x12 = await billing.request('GET', `/billing/claims/${claim.id}/837`);
    expect(x12.statusCode, x12.body).toBe(200);
    const { interchange, segments } = segmentsOf(x12.body);
    expect(interchange.header.elements[11]!.value).toBe('00501');
    expect(interchange.functionalGroups[0]!.header.elements[7]!.value).toBe('005010X222A1');
    const find = (tag: string, first?: string) =>
      segments.filter((s) => s[0] === tag && (first === undefined || s[1] === first));
    expect(find('ST')[0]).toEqual(['ST', '837', '0001', '005010X222A1']);
    expect(find('BHT')[0]!.slice(1, 3)).toEqual(['0019', '00']);
    expect(find('NM1', '85')[0]).toEqual([
      'NM1',
      '85',
      '2',
      'RIVERSIDE FAMILY CLINIC',
      '',
      '',
      '',
      '',
      'XX',
      '1234567893',
    ]);
    expect(find('REF', 'EI')[0]).toEqual(['REF', 'EI', '123456789']);
    expect(find('HL').map((s) => s.slice(1))).toEqual([
      ['1', '', '20', '1'],
      ['2', '1', '22', '0'],
    ]);
    expect(find('SBR')[0]!.slice(1, 4)).toEqual(['P', '18', 'GRP100']);
    expect(find('NM1', 'IL')[0]).toEqual(['NM1', 'IL', '1', 'MOREAU', 'INES', '', '', '', 'MI', 'XZ998877']);
    expect(find('DMG')[0]).toEqual(['DMG', 'D8', '19840302', 'F']);
    expect(find('NM1', 'PR')[0]).toEqual(['NM1', 'PR', '2', 'ACME HEALTH PLAN', '', '', '', '', 'PI', 'ACME01']);
    const pcn = claim.identifier![0]!.value!;
    expect(find('CLM')[0]).toEqual(['CLM', pcn, '150', '', '', '11:B:1', 'Y', 'A', 'Y', 'Y']);
    expect(find('HI')[0]).toEqual(['HI', 'ABK:J209', 'ABF:R059']);
    expect(find('LX')[0]).toEqual(['LX', '1']);
    expect(find('SV1')[0]).toEqual(['SV1', 'HC:G0463:25', '150', 'UN', '1', '', '', '1:2']);
    expect(find('DTP', '472')[0]).toEqual(['DTP', '472', 'D8', '20260601']);
    // SE01 counts ST through SE.
    expect(find('SE')[0]).toEqual(['SE', String(segments.length), '0001']);

    const tracked = await billing.request('GET', `/billing/claims/${claim.id}`);
    expect(tracked.json().status).toBe('submitted');

    // The payer pays 80.00 and adjusts 20.00 by contract (CO-45); the 50.00 copay (PR-3) was collected.
    const remit = remittance835(
      pcn,
      [
        `CLP*${pcn}*1*150*80*50*12*PAYERCLAIM1`,
        'CAS*CO*45*20',
        'CAS*PR*3*50',
        'SVC*HC:G0463:25*150*80',
        'DTM*472*20260601',
      ],
      '80',
    );
    const posted = await billing.request('POST', '/billing/remittances', { x12: remit });
    expect(posted.statusCode, posted.body).toBe(200);
    expect(posted.json().claims).toEqual([{ claim: claim.id, controlNumber: pcn, outcome: 'complete', paid: 8_000 }]);
    accounts = await trialBalanced(billing);
    expect(accounts['insurer-ar'] ?? 0).toBe(0);
    expect(accounts['patient-ar'] ?? 0).toBe(0);
    expect(accounts.bank).toBe(8_000);
    expect(accounts['contractual-adjustment']).toBe(2_000);
    const balance = await billing.request('GET', `/billing/patients/${visit.patient}/balance`);
    expect(balance.json().balances).toEqual([{ currency: 'USD', receivable: 0, credit: 0, due: 0 }]);
    expect((await billing.request('GET', `/billing/claims/${claim.id}`)).json().status).toBe('paid');

    // The same file imported twice posts nothing more.
    const again = await billing.request('POST', '/billing/remittances', { x12: remit });
    expect(again.json().claims[0].duplicate).toBe(true);
    expect((await trialBalanced(billing)).bank).toBe(8_000);

    // invoice.issued, payment.posted (card and insurer) and claim.submitted, each as its schema says.
    const events = await app.db.withTenant(tenantId, (db) =>
      db.query<{ type: string; version: number; data: Record<string, unknown> }>(
        `SELECT type, version, data FROM event_outbox WHERE tenant_id = $1 AND type IN ('invoice.issued', 'payment.posted', 'claim.submitted') ORDER BY seq`,
        [tenantId],
      ),
    );
    expect(events.rows.map((event) => event.type)).toEqual([
      'invoice.issued',
      'payment.posted',
      'claim.submitted',
      'payment.posted',
    ]);
    for (const event of events.rows)
      expect(eventSchemaErrors(event.type, event.version, event.data), event.type).toEqual([]);
    expect(events.rows[0]!.data).toMatchObject({
      invoiceId: invoice.id,
      patientId: visit.patient,
      total: 15_000,
      currency: 'USD',
    });
  });

  it('lists a denied claim with its reasons and returns the amount to the patient for rework', async () => {
    const service = await createService(admin, {
      code: { system: 'hcpcs', code: 'G0439', display: 'Annual wellness visit' },
    });
    const visit = await finishedVisit(physician);
    const insurance = await insuranceFor({ admin, billing }, visit.patient);
    await billing.request('POST', `/billing/encounters/${visit.encounter}/charges`, {
      services: [{ service: service.id, diagnoses: ['Z00.00'] }],
    });
    const invoice = (
      await billing.request('POST', '/billing/invoices', { encounter: visit.encounter })
    ).json() as Invoice;
    const claim = (
      await billing.request('POST', '/billing/claims', {
        invoice: invoice.id,
        coverage: insurance.coverage,
        provider: insurance.provider,
      })
    ).json() as Claim;
    const pcn = claim.identifier![0]!.value!;
    const denied = await billing.request('POST', '/billing/remittances', {
      x12: remittance835(pcn, [`CLP*${pcn}*4*150*0*0*12*PAYERCLAIM2`, 'CAS*CO*50*150'], '0'),
    });
    expect(denied.statusCode, denied.body).toBe(200);
    expect(denied.json().claims[0].outcome).toBe('error');
    const denials = (await billing.request('GET', '/billing/denials')).json();
    expect(denials).toContainEqual(
      expect.objectContaining({ claim: `Claim/${claim.id}`, reasons: [{ code: 'CO-50', text: 'CO 50 150' }] }),
    );
    expect((await billing.request('GET', `/billing/claims/${claim.id}`)).json().status).toBe('denied');
    const balance = await billing.request('GET', `/billing/patients/${visit.patient}/balance`);
    expect(balance.json().balances[0].receivable).toBe(15_000);
    await trialBalanced(billing);
  });

  it('refuses an 835 that is not X12 or names an unknown claim', async () => {
    const garbage = await billing.request('POST', '/billing/remittances', { x12: 'x'.repeat(200) });
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().code).toBe('BILLING_INVALID_X12');
    const unknown = await billing.request('POST', '/billing/remittances', {
      x12: remittance835('NOSUCHCLAIM000000000', ['CLP*NOSUCHCLAIM000000000*1*10*10*0*12*X'], '10'),
    });
    expect(unknown.statusCode).toBe(422);
  });
});
