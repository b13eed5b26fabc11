import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { fhirClient, localAdmin, type TestApp } from '../../../test/test-app';

/** Test helpers of the access integration tests: members with a FHIR user, and a tenant's clinic data. */

export type Client = ReturnType<typeof fhirClient>;

export interface Member {
  role: string;
  userId: string;
  token: string;
  fhir: Client;
  request(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** Creates a member of `tenantId` with `role` (and the FHIR resource they are) and signs them in. */
export async function member(app: TestApp, tenantId: string, role: string, fhirUser?: string): Promise<Member> {
  const email = `${role}-${randomUUID().slice(0, 12)}@example.org`;
  const password = `correct horse ${randomUUID()}`;
  const user = await localAdmin<{ id: string }>(app, 'users', {
    tenant: tenantId,
    email,
    role,
    password,
    ...(fhirUser ? { fhirUser } : {}),
  });
  const login = await app.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password, tenant: tenantId },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
  const token = login.json().access_token as string;
  const authorization = `Bearer ${token}`;
  return {
    role,
    userId: user.id,
    token,
    fhir: fhirClient(app, undefined, { authorization }),
    request: (method, url, body, headers = {}) =>
      app.app.inject({
        method,
        url,
        headers: { authorization, ...headers },
        ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
      }),
  };
}

/** The server itself (the local CLI's token) acting for a tenant: it sees and writes everything. */
export function systemClient(app: TestApp, tenantId: string): Client {
  return fhirClient(app, tenantId, { authorization: `Bearer ${app.localAdminToken}` });
}

export interface Clinic {
  tenantId: string;
  ids: Record<string, string>;
}

/**
 * A small clinic: an organisation, a physician and a nurse, two patients (Ada, managed by the
 * organisation, and Bea), each with an observation, and Ada's condition, appointment, coverage,
 * invoice and medication request. Bea's observation carries the code `secret-code`.
 */
export async function buildClinic(app: TestApp, tenantId: string): Promise<Clinic> {
  await app.tenants.ensure(tenantId, `Tenant ${tenantId}`);
  const fhir = systemClient(app, tenantId);
  const ids: Record<string, string> = {};
  const make = async (key: string, resource: Resource) => {
    ids[key] = (await fhir.create(resource)).id;
  };
  await make('org', { resourceType: 'Organization', name: 'Riverside Clinic' });
  await make('doctor', { resourceType: 'Practitioner', name: [{ family: 'House' }] });
  await make('nurse', { resourceType: 'Practitioner', name: [{ family: 'Nightingale' }] });
  await make('ada', {
    resourceType: 'Patient',
    name: [{ family: 'Okafor', given: ['Ada'] }],
    managingOrganization: { reference: `Organization/${ids.org}` },
  });
  await make('bea', { resourceType: 'Patient', name: [{ family: 'Second', given: ['Bea'] }] });
  const observation = (patient: string, code: string): Resource => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://example.org/codes', code }] },
    subject: { reference: `Patient/${patient}` },
    performer: [{ reference: `Practitioner/${ids.doctor}` }],
  });
  await make('adaObservation', observation(ids.ada!, 'weight'));
  await make('beaObservation', observation(ids.bea!, 'secret-code'));
  await make('condition', {
    resourceType: 'Condition',
    subject: { reference: `Patient/${ids.ada}` },
    code: { text: 'asthma' },
  });
  await make('appointment', {
    resourceType: 'Appointment',
    status: 'booked',
    start: '2030-01-10T09:00:00Z',
    end: '2030-01-10T09:30:00Z',
    participant: [{ actor: { reference: `Patient/${ids.ada}` }, status: 'accepted' }],
  });
  await make('coverage', {
    resourceType: 'Coverage',
    status: 'active',
    beneficiary: { reference: `Patient/${ids.ada}` },
    subscriber: { reference: `Patient/${ids.bea}` },
    payor: [{ reference: `Organization/${ids.org}` }],
  });
  await make('invoice', { resourceType: 'Invoice', status: 'draft', subject: { reference: `Patient/${ids.ada}` } });
  await make('medicationRequest', {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { text: 'salbutamol' },
    subject: { reference: `Patient/${ids.ada}` },
  });
  return { tenantId, ids };
}

/** The ids in a Bundle's entries, as `Type/id`, sorted. */
export function entryKeys(res: LightMyRequestResponse): string[] {
  const bundle = res.json() as { entry?: { resource?: Resource }[] };
  return (bundle.entry ?? [])
    .filter((entry) => entry.resource)
    .map((entry) => `${entry.resource!.resourceType}/${entry.resource!.id}`)
    .sort();
}
