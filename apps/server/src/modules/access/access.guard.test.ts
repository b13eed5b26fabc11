import type { Consent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../platform/db';
import type { Principal } from '../identity';
import { AttributeCache } from './access.attribute-cache';
import { defaultPolicy } from './access.defaults';
import { CompiledPolicy } from './access.engine';
import { consentDenials, RequestAccessGuard } from './access.guard';

const policy = new CompiledPolicy(defaultPolicy(), 0);
const policies = () => ({ compiled: async () => policy, attributes: new AttributeCache() });

/** A connection that answers the caller-facts query with nothing known (and counts the queries). */
function emptyDb() {
  const db = { queries: 0, query: async () => ({ rows: [], rowCount: 0 }) };
  return new Proxy(db, {
    get(target, key) {
      if (key === 'query') target.queries += 1;
      return Reflect.get(target, key);
    },
  }) as unknown as Queryable & { queries: number };
}

function principal(overrides: Partial<Principal>): Principal {
  return {
    kind: 'user',
    subject: 'u1',
    userId: '00000000-0000-4000-8000-000000000001',
    tenantId: '00000000-0000-4000-8000-000000000002',
    roles: ['physician'],
    scopes: ['user/*.*'],
    sessionId: 's1',
    via: 'bearer',
    ...overrides,
  };
}

describe('the request guard', () => {
  it('intersects the role policy with SMART scopes, patient scopes narrowing to the launch patient', async () => {
    const guard = new RequestAccessGuard(
      principal({ scopes: ['patient/Observation.rs', 'user/Practitioner.r', 'launch', 'openid'], patient: 'p1' }),
      policies(),
      () => new Date(),
    );
    const db = emptyDb();
    expect(await guard.decide(db, 'search', 'Observation')).toEqual({
      allowed: true,
      filter: { kind: 'only', patients: ['p1'] },
    });
    expect((await guard.decide(db, 'create', 'Observation')).allowed).toBe(false);
    expect((await guard.decide(db, 'read', 'Condition')).allowed).toBe(false);
    expect(await guard.decide(db, 'read', 'Practitioner')).toEqual({ allowed: true, filter: { kind: 'all' } });
    // The role still decides: a physician's token cannot run $export whatever its scopes.
    expect((await guard.decide(db, '$export', 'System')).allowed).toBe(false);
  });

  it('gives a patient scope without a launch patient nothing, and a patient user their own compartment', async () => {
    const db = emptyDb();
    const noLaunch = new RequestAccessGuard(principal({ scopes: ['patient/*.rs'] }), policies(), () => new Date());
    expect(await noLaunch.decide(db, 'read', 'Observation')).toEqual({
      allowed: true,
      filter: { kind: 'only', patients: [] },
    });
    const patient = new RequestAccessGuard(
      principal({ roles: ['patient'], fhirUser: 'Patient/p7' }),
      policies(),
      () => new Date(),
    );
    expect(await patient.decide(db, 'read', 'Observation')).toEqual({
      allowed: true,
      filter: { kind: 'only', patients: ['p7'] },
    });
  });

  it('decides once per interaction and type within a request; tenant facts are shared between requests', async () => {
    const db = emptyDb();
    const shared = policies();
    const guard = new RequestAccessGuard(principal({}), shared, () => new Date());
    for (let i = 0; i < 100; i++) {
      await guard.decide(db, 'read', 'Observation');
      await guard.decide(db, 'search', 'Condition');
    }
    // The caller's own facts and the tenant's Consents.
    expect(db.queries).toBe(2);
    const types = ['Observation', 'Condition', 'Patient', 'Practitioner', 'Encounter'];
    for (let i = 0; i < 10; i++) {
      const fresh = new RequestAccessGuard(principal({}), shared, () => new Date());
      for (const type of types) await fresh.decide(db, 'read', type);
    }
    // Each later request reads only the caller's own facts (break-the-glass must hold at once).
    expect(db.queries).toBe(12);
    // A Consent written in this tenant is read again by the next request.
    shared.attributes.written(principal({}).tenantId, ['Consent']);
    await new RequestAccessGuard(principal({}), shared, () => new Date()).decide(db, 'read', 'Observation');
    expect(db.queries).toBe(14);
  });
});

describe('deny Consents', () => {
  const consent = (patient: string, actor?: string, extra: Partial<Consent> = {}): Consent => ({
    resourceType: 'Consent',
    status: 'active',
    scope: { text: 'privacy' },
    category: [{ text: 'privacy' }],
    patient: { reference: `Patient/${patient}` },
    provision: {
      type: 'deny',
      ...(actor ? { actor: [{ role: { text: 'x' }, reference: { reference: actor } }] } : {}),
    },
    ...extra,
  });

  it('applies to the actors named, or to everyone when none is', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const consents = [
      consent('a', 'Practitioner/n1'),
      consent('b'),
      consent('c', 'https://example.org/fhir/Practitioner/n1'),
      consent('d', 'Practitioner/n2'),
      consent('e', undefined, { status: 'inactive' }),
      { ...consent('f'), provision: { type: 'permit' } } as Consent,
      { ...consent('g'), provision: { type: 'deny', period: { end: '2025-01-01' } } } as Consent,
    ];
    expect(consentDenials(consents, 'Practitioner/n1', now).sort()).toEqual(['a', 'b', 'c']);
    expect(consentDenials(consents, undefined, now)).toEqual(['b']);
  });
});
