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
/** fhir-kit-client types its answers loosely; the tests say what each one is. */
const as = <T>(value: unknown): T => value as T;

beforeAll(async () => {
  server = await startLiveServer();
  client = new Client({ baseUrl: server.fhirBase });
});
afterAll(async () => server?.close());

const family = `Kit${Date.now()}`;

describe('fhir-kit-client against Meridian', () => {
  it('reads the CapabilityStatement', async () => {
    const capability = as<{ resourceType: string; fhirVersion: string }>(await client.capabilityStatement());
    expect(capability.resourceType).toBe('CapabilityStatement');
    expect(capability.fhirVersion).toMatch(/^4\.0/);
  });

  it('creates, reads, updates, vreads and deletes', async () => {
    const created = as<Patient>(
      await client.create({
        resourceType: 'Patient',
        body: { resourceType: 'Patient', name: [{ family, given: ['Ada'] }], gender: 'female' },
      }),
    );
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.meta?.versionId).toBe('1');

    const read = as<Patient>(await client.read({ resourceType: 'Patient', id: created.id! }));
    expect(read.name?.[0]?.given).toEqual(['Ada']);

    const updated = as<Patient>(
      await client.update({
        resourceType: 'Patient',
        id: created.id!,
        body: { ...read, birthDate: '1990-05-01' },
      }),
    );
    expect(updated.meta?.versionId).toBe('2');

    const first = as<Patient>(await client.vread({ resourceType: 'Patient', id: created.id!, version: '1' }));
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
    let bundle = as<Bundle<Patient> | undefined>(
      await client.search({
        resourceType: 'Patient',
        searchParams: { family, _count: 2 },
      }),
    );
    const seen: string[] = [];
    let pages = 0;
    while (bundle) {
      pages++;
      expect(bundle.type).toBe('searchset');
      seen.push(...(bundle.entry ?? []).map((entry) => entry.resource!.id!));
      bundle = as<Bundle<Patient> | undefined>(await client.nextPage({ bundle: bundle as never }));
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
  });

  it('reads instance and type history', async () => {
    const created = as<Patient>(
      await client.create({
        resourceType: 'Patient',
        body: { resourceType: 'Patient', active: true },
      }),
    );
    await client.update({ resourceType: 'Patient', id: created.id!, body: { ...created, active: false } });
    const history = as<Bundle<Patient>>(await client.history({ resourceType: 'Patient', id: created.id! }));
    expect(history.type).toBe('history');
    expect(history.entry?.map((entry) => entry.resource?.meta?.versionId)).toEqual(['2', '1']);
    const typeHistory = as<Bundle>(await client.typeHistory({ resourceType: 'Patient' }));
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
    const response = as<Bundle>(await client.transaction({ body: body as never }));
    expect(response.type).toBe('transaction-response');
    const [patientEntry, observationEntry] = response.entry as BundleEntry[];
    expect(patientEntry?.response?.status).toMatch(/^201/);
    const observationId = /Observation\/([^/]+)/.exec(observationEntry?.response?.location ?? '')?.[1];
    const observation = as<{
      subject: { reference: string };
    }>(await client.read({ resourceType: 'Observation', id: observationId! }));
    expect(observation.subject.reference).toMatch(/^Patient\/[0-9a-f-]{36}$/);
  });

  it('calls operations: $validate and Patient/$everything', async () => {
    const outcome = as<OperationOutcome>(
      await client.operation({
        name: '$validate',
        resourceType: 'Patient',
        input: { resourceType: 'Patient', gender: 'x' },
      }),
    );
    expect(outcome.issue[0]?.expression).toEqual(['Patient.gender']);

    const patient = as<Patient>(await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient' } }));
    await client.create({
      resourceType: 'Observation',
      body: {
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        subject: { reference: `Patient/${patient.id}` },
      },
    });
    const everything = as<Bundle>(
      await client.operation({
        name: 'everything',
        resourceType: 'Patient',
        id: patient.id!,
        method: 'GET',
      }),
    );
    expect(everything.entry?.map((entry) => entry.resource?.resourceType).sort()).toEqual(['Observation', 'Patient']);
  });
});
