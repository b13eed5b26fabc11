import type {
  Appointment,
  Communication,
  DiagnosticReport,
  MedicationRequest,
  Observation,
  Organization,
  Practitioner,
} from '@medplum/fhirtypes';
import type { Api } from '../api/api-context';

/*
 * What the portal asks the server, as the signed-in patient. The FHIR policy keeps a patient to their own
 * compartment; the scheduling module applies the clinic's self-booking rules to what a patient books.
 */

export interface FreeSlot {
  id: string;
  start: string;
  end: string;
  seatsLeft: number;
  practitioner?: string;
}

export interface VisitType {
  id: string;
  code: string;
  name: string;
  durationMinutes: number;
  active: boolean;
}

export interface BookingRules {
  maxDaysAhead: number;
  minNoticeHours: number;
  cancelCutoffHours: number;
}

export interface ResultReport {
  report: DiagnosticReport;
  observations: Observation[];
}

/** The Patient the signed-in person is: their membership's `fhirUser`, else the one Patient they may see. */
export async function fetchMyPatientId({ http, fhir }: Api, signal?: AbortSignal): Promise<string | undefined> {
  const { body } = await http.request<{ fhirUser?: string }>('/auth/me', signal ? { signal } : {});
  if (body.fhirUser?.startsWith('Patient/')) return body.fhirUser.slice('Patient/'.length);
  const { resources } = await fhir.search('Patient', { _count: 1 }, signal);
  return resources[0]?.id;
}

export async function fetchUpcomingAppointments(
  { fhir }: Api,
  patientId: string,
  now: Date,
  signal?: AbortSignal,
): Promise<Appointment[]> {
  const { resources } = await fhir.search(
    'Appointment',
    { patient: patientId, date: `ge${now.toISOString()}`, _count: 50 },
    signal,
  );
  return resources
    .filter((appointment) => appointment.status !== 'entered-in-error')
    .sort((a, b) => (a.start ?? '').localeCompare(b.start ?? ''));
}

export async function fetchPractitioners({ fhir }: Api, signal?: AbortSignal): Promise<Practitioner[]> {
  const { resources } = await fhir.search('Practitioner', { _count: 200 }, signal);
  return resources;
}

export async function fetchVisitTypes({ http }: Api, signal?: AbortSignal): Promise<VisitType[]> {
  const { body } = await http.request<VisitType[]>('/scheduling/visit-types', signal ? { signal } : {});
  return body.filter((type) => type.active);
}

export async function fetchBookingRules({ http }: Api, signal?: AbortSignal): Promise<BookingRules> {
  const { body } = await http.request<BookingRules>('/scheduling/settings', signal ? { signal } : {});
  return body;
}

export async function fetchFreeSlots(
  { http }: Api,
  filter: { practitioner?: string | undefined; visitType?: string | undefined; from: string; to: string },
  signal?: AbortSignal,
): Promise<FreeSlot[]> {
  const params = new URLSearchParams({ from: filter.from, to: filter.to, count: '300' });
  if (filter.practitioner) params.set('practitioner', filter.practitioner);
  if (filter.visitType) params.set('visitType', filter.visitType);
  const { body } = await http.request<{ slots: FreeSlot[] }>(`/scheduling/slots?${params}`, signal ? { signal } : {});
  return body.slots.filter((slot) => slot.seatsLeft > 0);
}

export async function bookAppointment(
  { http }: Api,
  input: { slot: string; patient: string; visitType?: string | undefined },
): Promise<Appointment> {
  const { body } = await http.request<Appointment>('/appointments', {
    method: 'POST',
    body: { slot: input.slot, patient: input.patient, ...(input.visitType ? { visitType: input.visitType } : {}) },
  });
  return body;
}

export async function rescheduleAppointment({ http }: Api, id: string, slot: string): Promise<Appointment> {
  const { body } = await http.request<Appointment>(`/appointments/${encodeURIComponent(id)}/reschedule`, {
    method: 'POST',
    body: { slot },
  });
  return body;
}

export async function cancelAppointment({ http }: Api, id: string): Promise<Appointment> {
  const { body } = await http.request<Appointment>(`/appointments/${encodeURIComponent(id)}/cancel`, {
    method: 'POST',
    body: { reason: 'pat' },
  });
  return body;
}

/** Final reports released to the patient, newest first, each with its observations. */
export async function fetchResults({ fhir }: Api, patientId: string, signal?: AbortSignal): Promise<ResultReport[]> {
  const [reports, observations] = await Promise.all([
    fhir.search('DiagnosticReport', { patient: patientId, status: 'final,amended,corrected', _count: 100 }, signal),
    fhir.search('Observation', { patient: patientId, _count: 500 }, signal),
  ]);
  const byReference = new Map(observations.resources.map((o) => [`Observation/${o.id}`, o]));
  return reports.resources
    .map((report) => ({
      report,
      observations: (report.result ?? [])
        .map((reference) => byReference.get(reference.reference ?? ''))
        .filter((o): o is Observation => Boolean(o)),
    }))
    .sort((a, b) => reportDate(b.report).localeCompare(reportDate(a.report)));
}

export function reportDate(report: DiagnosticReport): string {
  return report.effectiveDateTime ?? report.effectivePeriod?.start ?? report.issued ?? report.meta?.lastUpdated ?? '';
}

export async function fetchActiveMedications(
  { fhir }: Api,
  patientId: string,
  signal?: AbortSignal,
): Promise<MedicationRequest[]> {
  const { resources } = await fhir.search(
    'MedicationRequest',
    { patient: patientId, status: 'active', _count: 100 },
    signal,
  );
  return resources;
}

/** One of the patient's invoices (or credit notes) as the billing API tells it, amounts in minor units. */
export interface PortalInvoice {
  id: string;
  kind: 'invoice' | 'credit-note';
  status: string;
  date?: string;
  currency: string;
  total: number;
  paid: number;
  credited: number;
  /** What the patient still owes on it. */
  openBalance: number;
  /** What claims on it asked insurers to pay: still expected, paid, taken off by their agreement. */
  insurer: { expected: number; paid: number; adjusted: number };
  payable: boolean;
  lineCount: number;
}

/** The card payment the server took (its payment row). */
export interface PortalPayment {
  id: string;
  invoice: string;
  amount: number;
  currency: string;
  receivedAt: string;
}

/** The patient's own invoices, newest first, each with what is still open on it. */
export async function fetchInvoices({ http }: Api, signal?: AbortSignal): Promise<PortalInvoice[]> {
  const { body } = await http.request<{ invoices: PortalInvoice[] }>(
    '/billing/portal/invoices',
    signal ? { signal } : {},
  );
  return body.invoices;
}

/**
 * Pays part or all of one of the patient's invoices by card. The card travels as the gateway's token,
 * never its number; the Idempotency-Key makes a retry of the same attempt return the first answer.
 */
export async function payInvoice(
  { http }: Api,
  invoiceId: string,
  input: { amount: number; token: string },
  idempotencyKey: string,
): Promise<PortalPayment> {
  const { body } = await http.request<PortalPayment>(
    `/billing/portal/invoices/${encodeURIComponent(invoiceId)}/payments`,
    {
      method: 'POST',
      body: { amount: input.amount, card: { token: input.token } },
      headers: { 'idempotency-key': idempotencyKey },
    },
  );
  return body;
}

/** The patient's thread with the clinic: what they sent and what the clinic sent them, oldest first. */
export async function fetchMessages({ fhir }: Api, patientId: string, signal?: AbortSignal): Promise<Communication[]> {
  const { resources } = await fhir.search('Communication', { subject: `Patient/${patientId}`, _count: 200 }, signal);
  return resources.sort((a, b) => (a.sent ?? '').localeCompare(b.sent ?? ''));
}

export async function fetchClinic({ fhir }: Api, signal?: AbortSignal): Promise<Organization | undefined> {
  const { resources } = await fhir.search('Organization', { _count: 1 }, signal);
  return resources[0];
}

export async function sendMessage(
  { fhir }: Api,
  input: { patientId: string; clinic?: string | undefined; topic: string; text: string; now: Date },
): Promise<Communication> {
  const patient = { reference: `Patient/${input.patientId}` };
  return fhir.create<Communication>({
    resourceType: 'Communication',
    status: 'completed',
    subject: patient,
    sender: patient,
    ...(input.clinic ? { recipient: [{ reference: `Organization/${input.clinic}` }] } : {}),
    ...(input.topic ? { topic: { text: input.topic } } : {}),
    sent: input.now.toISOString(),
    payload: [{ contentString: input.text }],
  });
}
