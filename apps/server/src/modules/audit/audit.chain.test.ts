import { describe, expect, it } from 'vitest';
import { type AuditRecord, ChainVerifier, GENESIS_HASH, hashAuditRecord } from './audit.chain';
import { fhirInteraction } from './audit.routes';

function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const unhashed = {
      tenantId: '00000000-0000-4000-8000-000000000001',
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      recordedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, seq)).toISOString(),
      action: 'read',
      outcome: 'success' as const,
      userId: 'u1',
      clientId: null,
      roles: ['nurse'],
      patientId: 'p1',
      resourceType: 'Patient',
      resourceId: 'p1',
      status: 200,
      ip: '127.0.0.1',
      purposeOfUse: null,
      requestId: `r${seq}`,
      detail: null,
      prevHash,
    };
    const record = { ...unhashed, seq, hash: hashAuditRecord(unhashed) };
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}

function check(records: AuditRecord[], head?: { seq: number; hash: string }) {
  const verifier = new ChainVerifier();
  verifier.add(records);
  verifier.finish(head);
  return verifier.problem;
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and its head', () => {
    const records = chain(5);
    expect(check(records, { seq: 5, hash: records[4]!.hash })).toBeUndefined();
  });

  it('tells altered, deleted and reordered records apart', () => {
    const altered = chain(5);
    altered[2] = { ...altered[2]!, patientId: 'p2' };
    expect(check(altered)).toMatchObject({ kind: 'altered', seq: 3 });

    const deleted = chain(5).filter((record) => record.seq !== 2);
    expect(check(deleted)).toMatchObject({ kind: 'deleted', seq: 2 });

    const swapped = chain(5);
    const [second, third] = [swapped[1]!, swapped[2]!];
    swapped[1] = { ...third, seq: 2 };
    swapped[2] = { ...second, seq: 3 };
    expect(check(swapped)).toMatchObject({ kind: 'reordered', seq: 2, id: third.id });

    const truncated = chain(5);
    expect(check(truncated.slice(0, 4), { seq: 5, hash: truncated[4]!.hash })).toMatchObject({
      kind: 'deleted',
      seq: 5,
    });
  });
});

describe('fhirInteraction', () => {
  it('names the interaction of each FHIR route', () => {
    expect(fhirInteraction('GET', '/fhir/R4/:type/:id', { type: 'Patient', id: 'x' })).toEqual({
      action: 'read',
      resourceType: 'Patient',
      resourceId: 'x',
    });
    expect(fhirInteraction('GET', '/fhir/R4/:type', { type: 'Observation' })?.action).toBe('search');
    expect(fhirInteraction('POST', '/fhir/R4/:type', { type: 'Observation' })?.action).toBe('create');
    expect(fhirInteraction('PATCH', '/fhir/R4/:type/:id', { type: 'Patient', id: 'x' })?.action).toBe('patch');
    expect(fhirInteraction('GET', '/fhir/R4/:type/:id/_history/:vid', { type: 'Patient', id: 'x' })?.action).toBe(
      'vread',
    );
    expect(
      fhirInteraction('GET', '/fhir/R4/:type/:id/:op', { type: 'Patient', id: 'x', op: '$everything' })?.action,
    ).toBe('operation:everything');
    expect(fhirInteraction('GET', '/fhir/R4/metadata', {})).toBeUndefined();
  });
});
