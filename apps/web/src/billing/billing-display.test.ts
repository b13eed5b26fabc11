import type { ChargeItem, ChargeItemDefinition, Invoice } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  balanceIn,
  catalogService,
  chargeLine,
  chargesByVisit,
  chargesOnDrafts,
  invoiceSummary,
  type PaymentRow,
} from './billing-display';

const charge = (overrides: Partial<ChargeItem> = {}): ChargeItem => ({
  resourceType: 'ChargeItem',
  id: 'c1',
  status: 'billable',
  code: {
    coding: [{ system: 'https://www.cms.gov/hcpcs', code: 'G0463', display: 'Hospital outpatient clinic visit' }],
  },
  subject: { reference: 'Patient/p1' },
  context: { reference: 'Encounter/e1' },
  occurrenceDateTime: '2026-06-01T14:00:00Z',
  quantity: { value: 1 },
  priceOverride: { value: 150, currency: 'USD' },
  extension: [
    {
      url: 'https://meridian.health/fhir/StructureDefinition/charge-modifier',
      valueCoding: { code: '25' },
    },
  ],
  reason: [
    { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'J20.9' }] },
    { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'R05.9' }] },
  ],
  ...overrides,
});

const payment = (overrides: Partial<PaymentRow>): PaymentRow => ({
  id: 'pay1',
  kind: 'payment',
  method: 'card',
  patient: 'p1',
  invoice: 'i1',
  amount: 5000,
  applied: 5000,
  credited: 0,
  currency: 'USD',
  refundOf: null,
  receivedAt: '2026-06-02T10:00:00Z',
  ...overrides,
});

describe('charges', () => {
  it('reads a charge as a desk row', () => {
    expect(chargeLine(charge())).toMatchObject({
      id: 'c1',
      encounter: 'e1',
      code: 'G0463',
      description: 'Hospital outpatient clinic visit',
      modifiers: ['25'],
      diagnoses: ['J20.9', 'R05.9'],
      amount: 15_000,
      currency: 'USD',
      status: { label: 'Billable', tone: 'billable' },
    });
    expect(chargeLine(charge({ status: 'planned' })).status.label).toBe('Provisional');
    expect(chargeLine(charge({ status: 'entered-in-error' })).status.label).toBe('Voided');
    expect(chargeLine(charge({ quantity: { value: 3 }, priceOverride: { value: 0.1, currency: 'USD' } })).amount).toBe(
      30,
    );
  });
  it('groups charges by visit, newest first, totalling what can be invoiced', () => {
    const visits = chargesByVisit([
      charge(),
      charge({ id: 'c2', status: 'entered-in-error' }),
      charge({ id: 'c3', context: { reference: 'Encounter/e2' }, occurrenceDateTime: '2026-07-01T09:00:00Z' }),
      charge({ id: 'c4', context: undefined, occurrenceDateTime: '2026-05-01T09:00:00Z' }),
    ]);
    expect(visits.map((visit) => visit.encounter)).toEqual(['e2', 'e1', undefined]);
    expect(visits[1]).toMatchObject({ billableCount: 1, billableTotal: 15_000 });
  });
  it('does not offer a charge on a draft invoice for invoicing again', () => {
    const drafts = chargesOnDrafts([
      {
        resourceType: 'Invoice',
        status: 'draft',
        lineItem: [{ chargeItemReference: { reference: 'ChargeItem/c1' } }],
      },
      {
        resourceType: 'Invoice',
        status: 'issued',
        lineItem: [{ chargeItemReference: { reference: 'ChargeItem/c9' } }],
      },
    ]);
    expect([...drafts]).toEqual(['c1']);
    const [visit] = chargesByVisit([charge()], drafts);
    expect(visit).toMatchObject({ billableCount: 0, billableTotal: 0 });
    expect(visit!.lines[0]!.status).toEqual({ label: 'On draft invoice', tone: 'draft' });
  });
});

describe('invoices', () => {
  const invoice: Invoice = {
    resourceType: 'Invoice',
    id: 'i1',
    status: 'issued',
    date: '2026-06-02T10:00:00Z',
    totalGross: { value: 150, currency: 'USD' },
    lineItem: [{ sequence: 1 }],
  };
  it('owes the total less payments and their refunds', () => {
    expect(invoiceSummary(invoice, [])).toMatchObject({
      total: 15_000,
      paid: 0,
      balanceDue: 15_000,
      statusLabel: 'Issued',
    });
    const paid = [
      payment({}),
      payment({ id: 'pay2', invoice: 'other' }),
      payment({ id: 'r1', kind: 'refund', invoice: null, amount: 1000, refundOf: 'pay1' }),
    ];
    expect(invoiceSummary(invoice, paid)).toMatchObject({
      paid: 4000,
      balanceDue: 11_000,
      statusLabel: 'Partially paid',
    });
    expect(invoiceSummary(invoice, [payment({ amount: 15_000 })])).toMatchObject({
      balanceDue: 0,
      statusLabel: 'Paid',
    });
  });
  it('a draft owes nothing yet', () => {
    expect(invoiceSummary({ ...invoice, status: 'draft' }, [])).toMatchObject({ balanceDue: 0, statusLabel: 'Draft' });
  });
});

describe('catalog and balance', () => {
  it("reads a service's self-pay price", () => {
    const definition: ChargeItemDefinition = {
      resourceType: 'ChargeItemDefinition',
      id: 'd1',
      url: 'urn:x',
      status: 'active',
      title: 'Clinic visit',
      code: { coding: [{ system: 'hcpcs', code: 'G0463' }] },
      propertyGroup: [
        {
          priceComponent: [
            {
              type: 'base',
              code: { coding: [{ system: 'https://meridian.health/fhir/CodeSystem/price-list', code: 'payer:acme' }] },
              amount: { value: 120, currency: 'USD' },
            },
            {
              type: 'base',
              code: { coding: [{ system: 'https://meridian.health/fhir/CodeSystem/price-list', code: 'self-pay' }] },
              amount: { value: 150, currency: 'USD' },
            },
          ],
        },
      ],
    };
    expect(catalogService(definition)).toMatchObject({ code: 'G0463', title: 'Clinic visit', price: 15_000 });
  });
  it('finds the balance in a currency', () => {
    expect(balanceIn([], 'USD')).toEqual({ currency: 'USD', receivable: 0, credit: 0, due: 0 });
    expect(balanceIn([{ currency: 'USD', receivable: 10_000, credit: 0, due: 10_000 }]).due).toBe(10_000);
  });
});
