import type { Bundle, BundleEntry, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server';

/**
 * Meridian through fhir-kit-client, a widely used third-party FHIR client, over a real HTTP port: if
 * these pass, clients written against any conformant R4 server work against Meridian too.
 */
let server: LiveServer;
let client: Client;

beforeAll(async () => {
  server = await startLiveServer();
  client = new Client({ baseUrl: server.fhirBase });
});
afterAll(async () => server?.close());

const family = `Kit${Date.now()}`;

describe('fhir-kit-client against Meridian', () => {
  it('reads the CapabilityStatement', async () => {
    const capability = (await client.capabilityStatement()) as { resourceType: string; fhirVersion: string };
    expect(capability.resourceType).toBe('CapabilityStatement');
    expect(capability.fhirVersion).toMatch(/^4\.0/);
  });

  it('creates, reads, updates, vreads and deletes', async () => {
    const created = (await client.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', name: [{ family, given: ['Ada'] }], gender: 'female' },
    })) as Patient;
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta?.versionId).toBe('1');

    const read = (await client.read({ resourceType: 'Patient', id: created.id! })) as Patient;
    expect(read.name?.[0]?.given).toEqual(['Ada']);

    const updated = (await client.update({
      resourceType: 'Patient',
      id: created.id!,
      body: { ...read, birthDate: '1990-05-01' },
    })) as Patient;
    expect(updated.meta?.versionId).toBe('2');

    const first = (await client.vread({ resourceType: 'Patient', id: created.id!, version: '1' })) as Patient;
    expect(first.birthDate).toBeUndefined();

    await client.delete({ resourceType: 'Patient', id: created.id! });
    await expect(client.read({ resourceType: 'Patient', id: created.id! })).rejects.toMatchObject({
      response: { status: 410 },
    });
  });

  it('gets an OperationOutcome with the offending path for an invalid resource', async () => {
    const failure = await client
      .create({ resourceType: 'Patient', body: { resourceType: 'Patient', gender: 'x' } })
      .then(() => undefined)
      .catch((error: { response: { status: number; data: OperationOutcome } }) => error.response);
    expect(failure?.status).toBe(400);
    expect(failure?.data.issue[0]?.expression).toEqual(['Patient.gender']);
  });

  it('searches and pages through results with next links', async () => {
    for (let i = 0; i < 5; i++) {
      await client.create({
        resourceType: 'Patient',
        body: { resourceType: 'Patient', name: [{ family, given: [`G${i}`] }] },
      });
    }
    let bundle = (await client.search({
      resourceType: 'Patient',
      searchParams: { family, _count: 2 },
    })) as Bundle<Patient> | undefined;
    const seen: string[] = [];
    let pages = 0;
    while (bundle) {
      pages++;
      expect(bundle.type).toBe('searchset');
      seen.push(...(bundle.entry ?? []).map((entry) => entry.resource!.id!));
      bundle = (await client.nextPage({ bundle })) as Bundle<Patient> | undefined;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
  });

  it('reads instance and type history', async () => {
    const created = (await client.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', active: true },
    })) as Patient;
    await client.update({ resourceType: 'Patient', id: created.id!, body: { ...created, active: false } });
    const history = (await client.history({ resourceType: 'Patient', id: created.id! })) as Bundle<Patient>;
    expect(history.type).toBe('history');
    expect(history.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['2', '1']);
    const typeHistory = (await client.typeHistory({ resourceType: 'Patient' })) as Bundle;
    expect(typeHistory.entry?.length).toBeGreaterThan(2);
  });

  it('sends a transaction bundle whose entries refer to each other', async () => {
    const body: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:3f1b2c44-0000-4000-8000-000000000001',
          resource: { resourceType: 'Patient', name: [{ family: `${family}Tx` }] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'heart rate' },
            subject: { reference: 'urn:uuid:3f1b2c44-0000-4000-8000-000000000001' },
          },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const response = (await client.transaction({ body })) as Bundle;
    expect(response.type).toBe('transaction-response');
    const [patientEntry, observationEntry] = response.entry as BundleEntry[];
    expect(patientEntry?.response?.status).toMatch(/^201/);
    const observationId = /Observation\/([^/]+)/.exec(observationEntry?.response?.location ?? '')?.[1];
    const observation = (await client.read({ resourceType: 'Observation', id: observationId! })) as {
      subject: { reference: string };
    };
    expect(observation.subject.reference).toMatch(/^Patient\/[0-9a-f-]{36}$/);
  });

  it('calls operations: $validate and Patient/$everything', async () => {
    const outcome = (await client.operation({
      name: '$validate',
      resourceType: 'Patient',
      input: { resourceType: 'Patient', gender: 'x' },
    })) as OperationOutcome;
    expect(outcome.issue[0]?.expression).toEqual(['Patient.gender']);

    const patient = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient' } })) as Patient;
    await client.create({
      resourceType: 'Observation',
      body: {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: `Patient/${patient.id}` },
      },
    });
    const everything = (await client.operation({
      name: 'everything',
      resourceType: 'Patient',
      id: patient.id!,
      method: 'GET',
    })) as Bundle;
    expect(everything.entry?.map((entry) => entry.resource?.resourceType).sort()).toEqual(['Observation', 'Patient']);
  });
});
