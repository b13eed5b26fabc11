import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  type ChainStart,
  ChainVerifier,
  GENESIS_HASH,
  hashAuditRecord,
  macAuditRecord,
  macChainHead,
} from './audit.chain';
import { fhirInteraction } from './audit.routes';

const KEY = Buffer.from('a-key-of-at-least-thirty-two-characters');
const TENANT = '00000000-0000-4000-8000-000000000001';

/** A chain of `length` records; the first `legacy` are hashed without the key, as before keying. */
function chain(length: number, legacy = 0, key = KEY): AuditRecord[] {
  const records: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const unhashed = {
      tenantId: TENANT,
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
    const hash = seq <= legacy ? hashAuditRecord(unhashed) : macAuditRecord(key, unhashed);
    const record = { ...unhashed, seq, hash };
    records.push(record);
    prevHash = record.hash;
  }
  return records;
}

const headOf = (records: AuditRecord[], key = KEY) => {
  const last = records[records.length - 1]!;
  return { seq: last.seq, hash: last.hash, mac: macChainHead(key, TENANT, last.seq, last.hash) };
};

function check(
  records: AuditRecord[],
  head?: { seq: number; hash: string; mac?: string | null },
  start: Partial<ChainStart> = {},
) {
  const verifier = new ChainVerifier({ key: KEY, ...start });
  verifier.add(records);
  verifier.finish(TENANT, head && { ...head, mac: head.mac ?? macChainHead(KEY, TENANT, head.seq, head.hash) });
  return verifier.problem;
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and its head', () => {
    const records = chain(5);
    expect(check(records, { seq: 5, hash: records[4]!.hash })).toBeUndefined();
  });

  it('needs the key: a chain recomputed without it, or with another key, does not verify', () => {
    expect(check(chain(3, 0, Buffer.from('another-key-another-key-another-key')))).toMatchObject({
      kind: 'altered',
      seq: 1,
    });
    // Plain SHA-256 (what someone with database rights alone could compute) is refused after the legacy part.
    expect(check(chain(3, 3))).toMatchObject({ kind: 'altered', seq: 1 });
    expect(check(chain(5, 3), undefined, { legacyUntil: 2 })).toMatchObject({ kind: 'altered', seq: 3 });
  });

  it('verifies chains begun before the key up to their keyed-from checkpoint', () => {
    const records = chain(6, 3);
    expect(check(records, headOf(records), { legacyUntil: 3 })).toBeUndefined();
  });

  it('starts after a purge checkpoint and still notices what follows it', () => {
    const records = chain(6);
    const purgedTo = { seq: 3, hash: records[2]!.hash };
    expect(check(records.slice(3), headOf(records), { purgedTo })).toBeUndefined();
    expect(check(records.slice(4), headOf(records), { purgedTo })).toMatchObject({ kind: 'deleted', seq: 4 });
    expect(check(records.slice(3), headOf(records), { purgedTo: { seq: 3, hash: GENESIS_HASH } })).toMatchObject({
      kind: 'reordered',
      seq: 4,
    });
  });

  it('refuses a head moved back without the key', () => {
    const records = chain(5);
    const moved = { seq: 4, hash: records[3]!.hash, mac: 'f'.repeat(64) };
    expect(check(records.slice(0, 4), moved)).toMatchObject({ kind: 'altered', seq: 4 });
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
    expect(fhirInteraction('GET', '/fhir/R4/$export-file/:job/:file', {})?.action).toBe('operation:export-file');
  });
});
