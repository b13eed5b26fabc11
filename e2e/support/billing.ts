import type { Encounter, Patient } from '@medplum/fhirtypes';
import { accessToken, fhirAs, USERS } from './api';

/** JSON API calls as a signed-in user (the billing API, not FHIR). */
export function apiAs(baseUrl: string, token: string) {
  return async <T>(
    path: string,
    init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        ...init.headers,
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
}

export type JsonApi = ReturnType<typeof apiAs>;

/** `GET /billing/patients/{id}/balance`. */
export interface Balance {
  balances: { currency: string; receivable: number; credit: number; due: number }[];
}

/**
 * What a billing test starts from, seeded through the API as staff would: a service in the catalog (as
 * the admin), a patient with a finished 30-minute visit `hoursAgo` (as the clinician), and the visit's
 * service charged (as the billing clerk, with `charge`'s diagnoses and modifiers). Returns the admin's and
 * the clerk's API and the new ids.
 */
export async function chargedVisit(
  baseUrl: string,
  seed: {
    service: Record<string, unknown>;
    patient: Omit<Patient, 'resourceType'>;
    hoursAgo: number;
    charge?: { diagnoses?: string[]; modifiers?: string[] };
  },
): Promise<{ admin: JsonApi; billing: JsonApi; patientId: string; encounterId: string }> {
  const admin = apiAs(baseUrl, await accessToken(baseUrl, USERS.admin));
  const clinician = fhirAs(baseUrl, await accessToken(baseUrl, USERS.clinician));
  const billing = apiAs(baseUrl, await accessToken(baseUrl, USERS.billing));
  const service = await admin<{ id: string }>('/billing/catalog', { method: 'POST', json: seed.service });
  const patient = await clinician.create<Patient>({ resourceType: 'Patient', ...seed.patient });
  const start = new Date(Date.now() - seed.hoursAgo * 3600_000);
  const encounter = await clinician.create<Encounter>({
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patient.id}` },
    period: { start: start.toISOString(), end: new Date(start.getTime() + 30 * 60_000).toISOString() },
  });
  await billing(`/billing/encounters/${encounter.id}/charges`, {
    method: 'POST',
    json: { services: [{ service: service.id, ...seed.charge }] },
  });
  return { admin, billing, patientId: patient.id!, encounterId: encounter.id! };
}
