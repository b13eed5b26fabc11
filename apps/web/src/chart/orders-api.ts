import type { DiagnosticReport, Observation, ServiceRequest } from '@medplum/fhirtypes';
import type { HttpClient } from '../api/http-client';

export type OrderKind = 'lab' | 'imaging';
export type Priority = 'routine' | 'urgent' | 'asap' | 'stat';

/** An order as the orders API shows it: the ServiceRequest with its accession number and kind. */
export interface OrderView {
  id: string;
  status: ServiceRequest['status'];
  kind?: OrderKind;
  accessionNumber?: string;
  order: ServiceRequest;
}

export interface OrderWithResults extends OrderView {
  results: { report: DiagnosticReport; observations: Observation[] }[];
}

export interface NewOrder {
  kind: OrderKind;
  code: string | { system: string; code: string; display?: string };
  display?: string;
  priority: Priority;
  reason?: string;
  note?: string;
  specimen?: { type: string };
  modality?: string;
  bodySite?: string;
  laterality?: 'left' | 'right' | 'bilateral';
  activate: boolean;
}

/** One result of the inbox (GET /inbox/results). */
export interface InboxResult {
  reportId: string;
  status: string;
  issued?: string;
  patient?: string;
  order?: {
    id: string;
    accessionNumber?: string;
    kind?: OrderKind;
    code?: string;
    display?: string;
    priority?: Priority;
  };
  critical: boolean;
  acknowledged: boolean;
  acknowledgedAt?: string;
  observations: {
    id: string;
    code?: string;
    display?: string;
    status: string;
    value?: number;
    unit?: string;
    text?: string;
    interpretation?: string;
    critical: boolean;
  }[];
}

export interface OverdueOrder {
  orderId: string;
  accessionNumber?: string;
  kind?: OrderKind;
  code?: string;
  display?: string;
  priority: Priority;
  patient?: string;
  authoredOn?: string;
  dueAt: string;
  overdueMinutes: number;
}

export interface Inbox {
  results: InboxResult[];
  newCount: number;
  criticalCount: number;
  overdue: OverdueOrder[];
  truncated: boolean;
}

export function ordersApi(http: HttpClient) {
  const get = async <T>(path: string, signal?: AbortSignal) =>
    (await http.request<T>(path, signal ? { signal } : {})).body;
  const post = async <T>(path: string, body: unknown = {}) =>
    (await http.request<T>(path, { method: 'POST', body })).body;
  const order = (id: string) => `/orders/${encodeURIComponent(id)}`;
  return {
    list: (patientId: string, signal?: AbortSignal) =>
      get<{ orders: OrderView[]; truncated: boolean }>(`/patients/${encodeURIComponent(patientId)}/orders`, signal),
    read: (id: string, signal?: AbortSignal) => get<OrderWithResults>(order(id), signal),
    create: (patientId: string, input: NewOrder) =>
      post<OrderView>(`/patients/${encodeURIComponent(patientId)}/orders`, input),
    activate: (id: string) => post<OrderView>(`${order(id)}/activate`),
    revoke: (id: string, reason?: string) => post<OrderView>(`${order(id)}/revoke`, reason ? { reason } : {}),
    /** The shipped adult ranges: also names the common analytes a lab may send by code alone. */
    referenceRanges: (signal?: AbortSignal) =>
      get<{ code: string; display: string; unit: string }[]>('/orders/reference-ranges', signal),
    inbox: (status: 'new' | 'all', signal?: AbortSignal) =>
      get<Inbox>(`/inbox/results?${new URLSearchParams({ status })}`, signal),
    acknowledge: (reportId: string) =>
      post<{ reportId: string; acknowledgedAt: string }>(`/inbox/results/${encodeURIComponent(reportId)}/acknowledge`),
  };
}
