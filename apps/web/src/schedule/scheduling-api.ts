import type { Appointment, Encounter, Patient, Practitioner } from '@medplum/fhirtypes';
import type { FhirClient } from '../api/fhir-client';
import type { HttpClient } from '../api/http-client';
import { formatPatientName } from '../patients/patient-display';

/** The scheduling module's answers, as the screens use them. */

export interface ScheduleView {
  id: string;
  practitioner?: string;
  location?: string;
  timeZone: string;
  active: boolean;
}

export interface FreeSlot {
  id: string;
  start: string;
  end: string;
  seatsLeft: number;
  practitioner?: string;
  schedule?: { reference?: string };
}

export interface VisitType {
  id: string;
  code: string;
  name: string;
  durationMinutes: number;
  active: boolean;
}

export interface CalendarAnswer {
  from: string;
  to: string;
  timeZone: string;
  appointments: Appointment[];
}

export type CalendarView = 'day' | 'week';

/** Cancellation reasons the server accepts (appointment-cancellation-reason), in words. */
export const CANCEL_REASONS = [
  { value: 'pat', label: 'Patient cancelled' },
  { value: 'prov', label: 'Provider cancelled' },
  { value: 'prov-sched', label: 'Provider schedule changed' },
  { value: 'maint', label: 'Equipment maintenance' },
  { value: 'meds', label: 'Medication issue' },
  { value: 'oth-weath', label: 'Weather' },
  { value: 'oth-err', label: 'Booked in error' },
  { value: 'other', label: 'Other' },
] as const;

export const STATUS_LABELS: Record<string, { label: string; color: string }> = {
  proposed: { label: 'Proposed', color: 'gray' },
  pending: { label: 'Pending', color: 'gray' },
  booked: { label: 'Booked', color: 'blue' },
  arrived: { label: 'Checked in', color: 'teal' },
  fulfilled: { label: 'Fulfilled', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'red' },
  noshow: { label: 'No-show', color: 'orange' },
  'checked-in': { label: 'Checked in', color: 'teal' },
  waitlist: { label: 'Waitlist', color: 'gray' },
  'entered-in-error': { label: 'Entered in error', color: 'gray' },
};

export function statusLabel(status: string): { label: string; color: string } {
  return STATUS_LABELS[status] ?? { label: status, color: 'gray' };
}

function idAfter(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}

export function participantOf(appointment: Appointment, type: 'Patient' | 'Practitioner'): string | undefined {
  for (const participant of appointment.participant ?? []) {
    const id = idAfter(participant.actor?.reference, type);
    if (id) return id;
  }
  return undefined;
}

export function visitTypeOf(appointment: Appointment): string | undefined {
  const coding = appointment.appointmentType?.coding?.[0];
  return coding?.display ?? coding?.code ?? appointment.appointmentType?.text;
}

/** Practitioner names as "Dr Ada Lind" style text: prefix, given and family. */
export function practitionerName(practitioner: Practitioner): string {
  const name = practitioner.name?.[0];
  if (!name) return 'Unnamed practitioner';
  return (
    name.text ?? ([...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ') || 'Unnamed')
  );
}

/** Whether an appointment still counts on the calendar (cancelled, no-show and erroneous ones do not). */
export function isActive(appointment: Appointment): boolean {
  return !['cancelled', 'noshow', 'entered-in-error'].includes(appointment.status);
}

/**
 * Whether the front desk may mark the appointment a no-show: it is booked (nobody checked the patient in)
 * and it has begun. The server applies the same rule and has the last word.
 */
export function canMarkNoShow(appointment: Appointment, now: Date): boolean {
  return (
    appointment.status === 'booked' && Boolean(appointment.start) && Date.parse(appointment.start!) <= now.getTime()
  );
}

function query(params: Record<string, string | undefined>): string {
  const pairs = Object.entries(params).filter((pair): pair is [string, string] => Boolean(pair[1]));
  return new URLSearchParams(pairs).toString();
}

export async function fetchSchedules(http: HttpClient, signal?: AbortSignal): Promise<ScheduleView[]> {
  const { body } = await http.request<ScheduleView[]>('/scheduling/schedules', signal ? { signal } : {});
  return body.filter((schedule) => schedule.active && schedule.practitioner);
}

export async function fetchVisitTypes(http: HttpClient, signal?: AbortSignal): Promise<VisitType[]> {
  const { body } = await http.request<VisitType[]>('/scheduling/visit-types', signal ? { signal } : {});
  return body.filter((type) => type.active);
}

export async function fetchCalendar(
  http: HttpClient,
  params: { practitioner?: string; date: string; view: CalendarView; timeZone: string },
  signal?: AbortSignal,
): Promise<CalendarAnswer> {
  const { body } = await http.request<CalendarAnswer>(
    `/appointments?${query({ ...params, practitioner: params.practitioner })}`,
    signal ? { signal } : {},
  );
  return body;
}

export async function fetchFreeSlots(
  http: HttpClient,
  params: { schedule: string; from: string; to: string },
  signal?: AbortSignal,
): Promise<FreeSlot[]> {
  const { body } = await http.request<{ slots: FreeSlot[] }>(
    `/scheduling/slots?${query({ ...params, count: '1000' })}`,
    signal ? { signal } : {},
  );
  return body.slots;
}

/** Names of the given patients (those the caller may read), by id. */
export async function fetchPatientNames(fhir: FhirClient, ids: string[], signal?: AbortSignal) {
  if (!ids.length) return new Map<string, string>();
  const result = await fhir.search('Patient', { _id: ids.join(','), _count: ids.length }, signal);
  return new Map(result.resources.map((patient: Patient) => [patient.id!, formatPatientName(patient)]));
}

export async function fetchPractitionerNames(fhir: FhirClient, ids: string[], signal?: AbortSignal) {
  if (!ids.length) return new Map<string, string>();
  const result = await fhir.search('Practitioner', { _id: ids.join(','), _count: ids.length }, signal);
  return new Map(result.resources.map((practitioner) => [practitioner.id!, practitionerName(practitioner)]));
}

export async function fetchAppointment(http: HttpClient, id: string): Promise<Appointment> {
  const { body } = await http.request<Appointment>(`/appointments/${encodeURIComponent(id)}`);
  return body;
}

export async function bookAppointment(
  http: HttpClient,
  input: { slot: string; patient: string; visitType?: string },
): Promise<Appointment> {
  const { body } = await http.request<Appointment>('/appointments', { method: 'POST', body: input });
  return body;
}

export async function rescheduleAppointment(http: HttpClient, id: string, slot: string): Promise<Appointment> {
  const { body } = await http.request<Appointment>(`/appointments/${encodeURIComponent(id)}/reschedule`, {
    method: 'POST',
    body: { slot },
  });
  return body;
}

export async function cancelAppointment(http: HttpClient, id: string, reason: string): Promise<Appointment> {
  const { body } = await http.request<Appointment>(`/appointments/${encodeURIComponent(id)}/cancel`, {
    method: 'POST',
    body: { reason },
  });
  return body;
}

export async function markNoShow(http: HttpClient, id: string): Promise<Appointment> {
  const { body } = await http.request<Appointment>(`/appointments/${encodeURIComponent(id)}/no-show`, {
    method: 'POST',
    body: {},
  });
  return body;
}

export async function checkIn(
  http: HttpClient,
  id: string,
): Promise<{ appointment: Appointment; encounter: Encounter }> {
  const { body } = await http.request<{ appointment: Appointment; encounter: Encounter }>(
    `/appointments/${encodeURIComponent(id)}/check-in`,
    { method: 'POST', body: {} },
  );
  return body;
}
