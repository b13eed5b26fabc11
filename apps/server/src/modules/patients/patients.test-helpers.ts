import type { Patient } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../../test/test-app';

/** Calls the patients API as a client of one tenant (tests run without sign-in unless they sign in). */
export function patientsApi(app: TestApp, tenantId: string, authorization?: string) {
  const send = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<LightMyRequestResponse> =>
    app.app.inject({
      method,
      url,
      headers: { 'x-meridian-tenant': tenantId, ...(authorization ? { authorization } : {}) },
      ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
    });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, body?: unknown) => send('POST', url, body ?? {}),
    put: (url: string, body: unknown) => send('PUT', url, body),
  };
}

/** A patient as the registration desk types it. */
export function person(overrides: Partial<Patient> & { family?: string; given?: string } = {}): Patient {
  const { family = 'Okafor', given = 'Chioma', ...rest } = overrides;
  return {
    resourceType: 'Patient',
    name: [{ use: 'official', family, given: [given] }],
    gender: 'female',
    birthDate: '1987-04-09',
    telecom: [{ system: 'phone', value: '+1 617 555 0142' }],
    address: [{ line: ['44 Harbor Road'], city: 'Boston', postalCode: '02110' }],
    ...rest,
  };
}
