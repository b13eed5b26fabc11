import type { Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type TestApp } from '../../../test/test-app';
import { member } from '../access/access-fixtures.int-helpers';

/** A person's sign-in carries the FHIR resource their membership names, so what they write names them. */
let app: TestApp;
let tenantId: string;
let practitionerId: string;
let patientId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  tenantId = newTenantId();
  await app.tenants.ensure(tenantId, 'FHIR user clinic');
  const admin = await member(app, tenantId, 'tenant_admin');
  const physician = await member(app, tenantId, 'physician');
  practitionerId = (await admin.fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Okafor' }] })).id!;
  patientId = (await physician.fhir.create({ resourceType: 'Patient', name: [{ family: 'Lindqvist' }] })).id!;
});
afterAll(async () => app?.close());

describe('the FHIR user of a password sign-in', () => {
  it('is named as performer of what the nurse records, beside the account', async () => {
    const nurse = await member(app, tenantId, 'nurse', `Practitioner/${practitionerId}`);
    const res = await nurse.request('POST', `/patients/${patientId}/vitals`, {
      effective: '2025-01-02T08:00:00Z',
      measurements: [{ type: 'heart-rate', value: 72, unit: '/min' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [pulse] = res.json().observations as Observation[];
    expect(pulse!.performer?.[0]).toMatchObject({
      reference: `Practitioner/${practitionerId}`,
      identifier: { value: nurse.userId },
    });
    const me = await nurse.request('GET', '/auth/me');
    expect(me.statusCode).toBe(200);
  });

  it('is left out when the membership names none', async () => {
    const nurse = await member(app, tenantId, 'nurse');
    const res = await nurse.request('POST', `/patients/${patientId}/vitals`, {
      effective: '2025-01-02T09:00:00Z',
      measurements: [{ type: 'heart-rate', value: 74, unit: '/min' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [pulse] = res.json().observations as Observation[];
    expect(pulse!.performer?.[0]?.reference).toBeUndefined();
    expect(pulse!.performer?.[0]?.identifier?.value).toBe(nurse.userId);
  });
});
