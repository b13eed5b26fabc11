import { afterAll, beforeAll } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

/** Test helpers shared by the clinical-lists integration tests. */

/** One tenant as the clinical-lists tests see it: a physician and a nurse signed in. */
export interface ClinicalListsClinic {
  app: TestApp;
  physician: SignedIn;
  nurse: SignedIn;
  /** A new Patient of the tenant (created by the physician); its id. */
  newPatient(family: string): Promise<string>;
}

/**
 * Sets up a fresh app (sign-in required) and tenant before the file's tests and closes it after them.
 * Call it once at the top of a test file; its fields are there from the first test on.
 */
export function clinicalListsClinic(): ClinicalListsClinic {
  const clinic = {
    async newPatient(family: string): Promise<string> {
      return (await clinic.physician.fhir.create({ resourceType: 'Patient', name: [{ family }] })).id;
    },
  } as ClinicalListsClinic;
  beforeAll(async () => {
    const app = await createTestApp({ authRequired: true });
    const tenantId = newTenantId();
    clinic.app = app;
    clinic.physician = await signIn(app, { role: 'physician', tenantId });
    clinic.nurse = await signIn(app, { role: 'nurse', tenantId });
  });
  afterAll(async () => clinic.app?.close());
  return clinic;
}
