import type { ChargeItem, ChargeItemDefinition, Claim, Invoice } from '@medplum/fhirtypes';
import type { Api } from '../api/api-context';
import type { PatientBalance, PaymentRow } from './billing-display';

export interface AgingRow {
  account: string;
  party: string;
  currency: string;
  buckets: { '0-30': number; '31-60': number; '61-90': number; '90+': number };
  total: number;
}
export interface AgingReport {
  asOf: string;
  parties: AgingRow[];
  totals: Record<
    string,
    Record<string, { '0-30': number; '31-60': number; '61-90': number; '90+': number; total: number }>
  >;
}

export interface PaymentRequest {
  patient: string;
  invoice?: string;
  amount: number;
  currency: string;
  method: 'cash' | 'card';
  card?: { token: string };
}

/** The billing desk's calls to the server's billing API (`/billing/*`) and FHIR. */
export function billingApi(api: Api) {
  const { http, fhir } = api;
  const get = async <T>(path: string, signal?: AbortSignal) =>
    (await http.request<T>(path, signal ? { signal } : {})).body;
  const post = async <T>(path: string, body: unknown, headers?: Record<string, string>) =>
    (await http.request<T>(path, { method: 'POST', body, ...(headers ? { headers } : {}) })).body;
  return {
    charges: (patient: string, signal?: AbortSignal) =>
      get<ChargeItem[]>(`/billing/charges?patient=${encodeURIComponent(`Patient/${patient}`)}`, signal),
    addCharge: (input: {
      patient: string;
      encounter?: string;
      service: string;
      quantity: number;
      diagnoses: string[];
      modifiers: string[];
    }) =>
      post<ChargeItem>('/billing/charges', {
        patient: `Patient/${input.patient}`,
        ...(input.encounter ? { encounter: `Encounter/${input.encounter}` } : {}),
        service: input.service,
        quantity: input.quantity,
        diagnoses: input.diagnoses,
        modifiers: input.modifiers,
      }),
    confirmCharge: (id: string) => post<ChargeItem>(`/billing/charges/${id}/confirm`, {}),
    voidCharge: (id: string, reason: string) => post<ChargeItem>(`/billing/charges/${id}/void`, { reason }),
    catalog: (signal?: AbortSignal) => get<ChargeItemDefinition[]>('/billing/catalog', signal),
    invoices: async (patient: string, signal?: AbortSignal) =>
      (
        await fhir.search(
          'Invoice',
          [
            ['subject', `Patient/${patient}`],
            ['_count', '100'],
          ],
          signal,
        )
      ).resources,
    createInvoice: (input: { encounter?: string; patient?: string; issue: boolean }) =>
      post<Invoice>('/billing/invoices', {
        ...(input.encounter ? { encounter: `Encounter/${input.encounter}` } : {}),
        ...(input.patient ? { patient: `Patient/${input.patient}` } : {}),
        issue: input.issue,
      }),
    issueInvoice: (id: string) => post<Invoice>(`/billing/invoices/${id}/issue`, {}),
    invoicePdfUrl: (id: string) => `/billing/invoices/${encodeURIComponent(id)}/pdf`,
    payments: (patient: string, signal?: AbortSignal) =>
      get<PaymentRow[]>(`/billing/payments?patient=${encodeURIComponent(patient)}`, signal),
    /** A payment under an idempotency key: the same key on a retry returns the first answer, never a second charge. */
    pay: (input: PaymentRequest, idempotencyKey: string) =>
      post<PaymentRow>('/billing/payments', input, { 'idempotency-key': idempotencyKey }),
    balance: async (patient: string, signal?: AbortSignal) =>
      (await get<{ balances: PatientBalance[] }>(`/billing/patients/${patient}/balance`, signal)).balances,
    aging: (signal?: AbortSignal) => get<AgingReport>('/billing/reports/aging', signal),
    claimStatus: (id: string) => get<{ status: string }>(`/billing/claims/${encodeURIComponent(id)}`),
    claims: async (signal?: AbortSignal) =>
      (
        await fhir.search(
          'Claim',
          [
            ['_count', '100'],
            ['_sort', '-_lastUpdated'],
          ],
          signal,
        )
      ).resources as Claim[],
  };
}

export type BillingApi = ReturnType<typeof billingApi>;
