import type { Appointment } from '@medplum/fhirtypes';
import type { HttpClient } from '../api/http-client';

/** The waitlist and its offers, as the scheduling module answers them. */

export interface WaitlistEntry {
  id: string;
  patient: string;
  patientName?: string;
  patientMrn?: string;
  visitType?: string;
  practitioner?: string;
  earliest: string;
  latest: string;
  note?: string;
  status: 'waiting' | 'offered' | 'booked' | 'removed';
  createdAt: string;
}

export interface WaitlistOffer {
  id: string;
  waitlistEntry: string;
  slot: string;
  expiresAt: string;
  status: 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  createdAt: string;
  appointment?: string;
  patient?: string;
  patientName?: string;
  patientMrn?: string;
  visitType?: string;
  start?: string;
  end?: string;
  practitioner?: string;
}

export interface NewWaitlistEntry {
  patient: string;
  practitioner?: string;
  visitType?: string;
  earliest: string;
  latest: string;
  note?: string;
}

/** The id after `Type/` in a reference, or undefined. */
export function referenceId(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}

export async function fetchWaitlist(http: HttpClient, signal?: AbortSignal): Promise<WaitlistEntry[]> {
  const { body } = await http.request<WaitlistEntry[]>(
    '/scheduling/waitlist?status=waiting,offered',
    signal ? { signal } : {},
  );
  return body;
}

export async function fetchOpenOffers(
  http: HttpClient,
  filter: { slot?: string } = {},
  signal?: AbortSignal,
): Promise<WaitlistOffer[]> {
  const params = new URLSearchParams({ status: 'open', ...(filter.slot ? { slot: filter.slot } : {}) });
  const { body } = await http.request<WaitlistOffer[]>(`/scheduling/offers?${params}`, signal ? { signal } : {});
  return body;
}

export async function addToWaitlist(http: HttpClient, input: NewWaitlistEntry): Promise<WaitlistEntry> {
  const { body } = await http.request<WaitlistEntry>('/scheduling/waitlist', { method: 'POST', body: input });
  return body;
}

export async function removeFromWaitlist(http: HttpClient, id: string): Promise<WaitlistEntry> {
  const { body } = await http.request<WaitlistEntry>(`/scheduling/waitlist/${encodeURIComponent(id)}`, {
    method: 'DELETE',
  });
  return body;
}

export async function acceptOffer(
  http: HttpClient,
  id: string,
): Promise<{ offer: WaitlistOffer; appointment: Appointment }> {
  const { body } = await http.request<{ offer: WaitlistOffer; appointment: Appointment }>(
    `/scheduling/offers/${encodeURIComponent(id)}/accept`,
    { method: 'POST', body: {} },
  );
  return body;
}

export async function declineOffer(http: HttpClient, id: string): Promise<WaitlistOffer> {
  const { body } = await http.request<WaitlistOffer>(`/scheduling/offers/${encodeURIComponent(id)}/decline`, {
    method: 'POST',
    body: {},
  });
  return body;
}
