import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, type TestApp } from '../../../test/test-app';

let app: TestApp;
let fhir: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  app = await createTestApp();
  fhir = fhirClient(app);
});
afterAll(async () => app?.close());

const valid: Patient = { resourceType: 'Patient', name: [{ family: 'Valid' }], gender: 'female' };
const expressions = (outcome: OperationOutcome) => outcome.issue.flatMap((found) => found.expression ?? []);
const historySize = async () => ((await fhir.get('_history?_count=1000')).json() as Bundle).entry?.length ?? 0;

describe('required bindings on writes', () => {
  it('refuses a Patient whose gender is not an administrative gender, naming the element', async () => {
    const res = await fhir.post('Patient', { resourceType: 'Patient', gender: 'x' });
    expect(res.statusCode).toBe(400);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.issue[0]).toMatchObject({ code: 'code-invalid', expression: ['Patient.gender'] });
    expect(outcome.issue[0]?.diagnostics).toContain('administrative-gender');
  });

  it('refuses an Observation with an unknown status', async () => {
    const res = await fhir.post('Observation', { resourceType: 'Observation', status: 'done', code: { text: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(expressions(res.json())).toContain('Observation.status');
  });
});

describe('$validate', () => {
  it('answers 200 with an all-clear for a valid resource, and stores nothing', async () => {
    const before = await historySize();
    const res = await fhir.post('Patient/$validate', valid);
    expect(res.statusCode).toBe(200);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.issue).toEqual([expect.objectContaining({ severity: 'information', code: 'informational' })]);
    expect(await historySize()).toBe(before);
  });

  it('answers 200 with the problems of an invalid resource, with their paths', async () => {
    const before = await historySize();
    const res = await fhir.post('Patient/$validate', {
      resourceType: 'Patient',
      gender: 'x',
      birthDate: '1980-13-45',
    });
    expect(res.statusCode).toBe(200);
    const outcome = res.json() as OperationOutcome;
    expect(outcome.issue.every((found) => found.severity === 'error')).toBe(true);
    expect(expressions(outcome)).toEqual(expect.arrayContaining(['Patient.gender', 'Patient.birthDate']));
    expect(await historySize()).toBe(before);
  });

  it('takes a Parameters body with resource and mode', async () => {
    const ok = await fhir.post('Patient/$validate', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: valid },
        { name: 'mode', valueCode: 'create' },
      ],
    });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as OperationOutcome).issue[0]?.severity).toBe('information');

    const update = await fhir.post('Patient/$validate', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'resource', resource: valid },
        { name: 'mode', valueCode: 'update' },
      ],
    });
    expect(update.statusCode).toBe(200);
    expect(expressions(update.json())).toContain('Patient.id');
  });

  it('refuses a resource of another type than the URL, and an unknown mode', async () => {
    const wrongType = await fhir.post('Observation/$validate', valid);
    expect(wrongType.statusCode).toBe(200);
    expect(expressions(wrongType.json())).toContain('resourceType');
    const badMode = await fhir.post('Patient/$validate?mode=destroy', valid);
    expect(badMode.statusCode).toBe(400);
  });

  it('validates the stored resource on GET at instance level, and a replacement on POST', async () => {
    const created = await fhir.create(valid);
    const stored = await fhir.get(`Patient/${created.id}/$validate`);
    expect(stored.statusCode).toBe(200);
    expect((stored.json() as OperationOutcome).issue[0]?.severity).toBe('information');

    const mismatched = await fhir.post(`Patient/${created.id}/$validate`, { ...valid, id: 'other-id' });
    expect(expressions(mismatched.json())).toContain('Patient.id');
    const replacement = await fhir.post(`Patient/${created.id}/$validate`, { ...created, gender: 'nope' });
    expect(expressions(replacement.json())).toContain('Patient.gender');
    // Nothing changed.
    expect((await fhir.get(`Patient/${created.id}`)).json().gender).toBe('female');
  });

  it('mode=delete says whether the resource exists to be deleted', async () => {
    const created = await fhir.create(valid);
    const ok = await fhir.post(`Patient/${created.id}/$validate?mode=delete`, { resourceType: 'Parameters' });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as OperationOutcome).issue[0]?.severity).toBe('information');
    const missing = await fhir.post('Patient/no-such-patient/$validate?mode=delete', { resourceType: 'Parameters' });
    expect(missing.statusCode).toBe(200);
    expect((missing.json() as OperationOutcome).issue[0]?.code).toBe('not-found');
    expect((await fhir.get(`Patient/${created.id}`)).statusCode).toBe(200);
  });

  it('answers 404 for GET on an instance that does not exist', async () => {
    const res = await fhir.get('Patient/does-not-exist/$validate');
    expect(res.statusCode).toBe(404);
  });
});

describe('CapabilityStatement', () => {
  it('lists the operations at the levels they run', async () => {
    const capability = (await fhir.get('metadata')).json() as {
      rest: { operation?: { name: string }[]; resource: { type: string; operation?: { name: string }[] }[] }[];
    };
    const rest = capability.rest[0]!;
    const names = (list?: { name: string }[]) => (list ?? []).map((operation) => operation.name).sort();
    expect(names(rest.operation)).toEqual(expect.arrayContaining(['export', 'meta']));
    const patient = rest.resource.find((resource) => resource.type === 'Patient');
    expect(names(patient?.operation)).toEqual(
      expect.arrayContaining(['everything', 'export', 'meta', 'meta-add', 'meta-delete', 'validate']),
    );
    const observation = rest.resource.find((resource) => resource.type === 'Observation');
    expect(names(observation?.operation)).not.toContain('everything');
  });
});
