import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bundle, BundleEntry, Observation, OperationOutcome, Patient } from '@medplum/fhirtypes';
import smart from 'fhirclient';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server';

/**
 * Meridian through SMART on FHIR's `fhirclient` library (its Node entry), over a real HTTP port. The
 * library is built for apps launched by an EHR; without a launch, `client({ serverUrl })` gives an open,
 * unauthenticated client, which is how a back-end integration would use it.
 */
let server: LiveServer;
let client: ReturnType<ReturnType<typeof smart>['client']>;

beforeAll(async () => {
  server = await startLiveServer();
  // The Node adapter reads its state from the incoming request of the app that hosts it; there is none here.
  const request = { headers: { host: '127.0.0.1' }, url: '/', session: {} } as unknown as IncomingMessage;
  const response = {} as ServerResponse;
  client = smart(request, response).client({ serverUrl: server.fhirBase });
});
afterAll(async () => server?.close());

const family = `Smart${Date.now()}`;

describe('fhirclient against Meridian', () => {
  it('knows the FHIR version from the CapabilityStatement', async () => {
    expect(await client.getFhirVersion()).toMatch(/^4\.0/);
    expect(await client.getFhirRelease()).toBe(4);
  });

  it('creates, reads, updates and deletes', async () => {
    const created = (await client.create({ resourceType: 'Patient', name: [{ family }], gender: 'male' })) as Patient;
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = (await client.request(`Patient/${created.id}`)) as Patient;
    expect(read.name?.[0]?.family).toBe(family);
    const updated = (await client.update({ ...read, gender: 'other' } as never)) as Patient;
    expect(updated.meta?.versionId).toBe('2');
    expect(updated.gender).toBe('other');
    await client.delete(`Patient/${created.id}`);
    await expect(client.request(`Patient/${created.id}`)).rejects.toMatchObject({ status: 410 });
  });

  it('follows next links to collect every page of a search', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const patient = (await client.create({
        resourceType: 'Patient',
        name: [{ family, given: [`P${i}`] }],
      })) as Patient;
      ids.push(patient.id!);
    }
    const pages = (await client.request(`Patient?family=${family}&_count=2`, { pageLimit: 0 })) as Bundle[];
    expect(pages).toHaveLength(3);
    const found = pages.flatMap((page) => (page.entry ?? []).map((entry) => entry.resource?.id));
    expect(found.sort()).toEqual(ids.sort());

    const flat = (await client.request(`Patient?family=${family}&_count=2`, { pageLimit: 0, flat: true })) as Patient[];
    expect(flat.map((patient) => patient.id).sort()).toEqual(ids.sort());
  });

  it('resolves references in search results', async () => {
    const patient = (await client.create({ resourceType: 'Patient', name: [{ family: `${family}Ref` }] })) as Patient;
    await client.create({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: `Patient/${patient.id}` },
    });
    const [observation] = (await client.request(`Observation?subject=Patient/${patient.id}`, {
      flat: true,
      resolveReferences: ['subject'],
    })) as (Observation & { subject: Patient })[];
    expect(observation?.subject.id).toBe(patient.id);
    expect(observation?.subject.name?.[0]?.family).toBe(`${family}Ref`);
  });

  it('reads history', async () => {
    const created = (await client.create({ resourceType: 'Patient', active: true })) as Patient;
    await client.update({ ...created, active: false } as never);
    const history = (await client.request(`Patient/${created.id}/_history`)) as Bundle<Patient>;
    expect(history.entry?.map((entry) => entry.resource?.active)).toEqual([false, true]);
  });

  it('posts a transaction bundle', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:8d7f0f6a-0000-4000-8000-000000000002',
          resource: { resourceType: 'Patient', name: [{ family: `${family}Tx` }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
            subject: { reference: 'urn:uuid:8d7f0f6a-0000-4000-8000-000000000002' },
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    };
    const response = (await client.request({
      url: '',
      method: 'POST',
      body: JSON.stringify(bundle),
      headers: { 'content-type': 'application/fhir+json' },
    })) as Bundle;
    expect(response.type).toBe('transaction-response');
    expect((response.entry as BundleEntry[]).map((entry) => entry.response?.status?.slice(0, 3))).toEqual([
      '201',
      '201',
    ]);
  });

  it('surfaces the OperationOutcome of a refused write', async () => {
    const error = (await client
      .create({ resourceType: 'Patient', gender: 'x' })
      .catch((caught: unknown) => caught)) as {
      status: number;
      message: string;
    };
    expect(error.status).toBe(400);
    // fhirclient appends the response body (our OperationOutcome) to the error message.
    const outcome = JSON.parse(error.message.slice(error.message.indexOf('{'))) as OperationOutcome;
    expect(outcome.issue[0]?.code).toBe('code-invalid');
    expect(outcome.issue[0]?.expression).toEqual(['Patient.gender']);
  });
});
