import type { Consent } from '@medplum/fhirtypes';
import { type AccessDecision, type AccessGuard, patientCompartmentTypes, type RowFilter } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { Principal, Role } from '../identity';
import type { AttributeCache } from './access.attribute-cache';
import { type CompiledPolicy, intersectFilters, unionFilters } from './access.engine';
import { parseScopes, type ResourceScope, scopeGrant } from './access.scopes';
import { type CallerFacts, careTeamPatients, readActiveConsents, readCallerFacts } from './access.store';

const DENY: AccessDecision = { allowed: false, filter: { kind: 'all' } };
const ALLOW_ALL: AccessDecision = { allowed: true, filter: { kind: 'all' } };

/** Roles that see every patient of their tenant whatever the attribute rules (the server's own). */
const UNRESTRICTED: ReadonlySet<Role> = new Set(['super_admin', 'system']);
const CLINICIANS: ReadonlySet<Role> = new Set(['physician', 'nurse']);

let patientSpecific: Set<string> | undefined;
function isPatientSpecific(type: string): boolean {
  patientSpecific ??= new Set(patientCompartmentTypes());
  return patientSpecific.has(type);
}

export interface PolicySource {
  compiled(db: Queryable, tenantId: string): Promise<CompiledPolicy>;
  /** Tenant facts shared between requests for a few seconds (Consents, care teams). */
  readonly attributes: AttributeCache;
}

const idOf = (reference: string | undefined, type: string) =>
  reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;

/** The patients whose active deny Consents apply to this caller (no actor named: everyone; else by fhirUser). */
export function consentDenials(consents: readonly Consent[], fhirUser: string | undefined, now: Date): string[] {
  const denied = new Set<string>();
  for (const consent of consents) {
    const provision = consent.provision;
    if (consent.status !== 'active' || provision?.type !== 'deny') continue;
    const patient = idOf(consent.patient?.reference, 'Patient');
    if (!patient) continue;
    const end = provision.period?.end;
    const start = provision.period?.start;
    if ((end && Date.parse(end) < now.getTime()) || (start && Date.parse(start) > now.getTime())) continue;
    const actors = provision.actor ?? [];
    const applies =
      actors.length === 0 ||
      (fhirUser !== undefined &&
        actors.some((actor) => actor.reference?.reference?.replace(/^.*\/(\w+\/[^/]+)$/, '$1') === fhirUser));
    if (applies) denied.add(patient);
  }
  return [...denied];
}

/**
 * One request's policy decision point: for an interaction on a type, the tenant's role policy (compiled,
 * cached per tenant) intersected with the caller's SMART scopes, then the attribute rules as a row filter
 * on patient-specific types. Decisions and the caller's facts are memoised for the request.
 */
export class RequestAccessGuard implements AccessGuard {
  private readonly decisions = new Map<string, Promise<AccessDecision>>();
  private readonly scopes: ResourceScope[];
  private facts: Promise<CallerFacts> | undefined;
  private careTeam: Promise<string[]> | undefined;

  constructor(
    private readonly principal: Principal,
    private readonly policies: PolicySource,
    private readonly now: () => Date,
  ) {
    this.scopes = parseScopes(principal.scopes);
  }

  decide(db: Queryable, interaction: string, resourceType: string): Promise<AccessDecision> {
    const key = `${interaction} ${resourceType}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.evaluate(db, interaction, resourceType);
      this.decisions.set(key, decision);
      // A failed lookup is not remembered as a decision.
      decision.catch(() => this.decisions.delete(key));
    }
    return decision;
  }

  private async evaluate(db: Queryable, interaction: string, resourceType: string): Promise<AccessDecision> {
    const policy = await this.policies.compiled(db, this.principal.tenantId);
    const roles = this.principal.roles.filter((role) => policy.allows(role, interaction, resourceType));
    if (!roles.length) return DENY;
    const grant = scopeGrant(this.scopes, interaction, resourceType);
    if (grant === 'none') return DENY;
    if (!isPatientSpecific(resourceType)) return ALLOW_ALL;
    let filter: RowFilter | undefined;
    for (const role of roles) {
      const own = await this.roleFilter(db, role, policy);
      filter = filter ? unionFilters(filter, own) : own;
    }
    if (grant === 'patient') {
      const launch = this.principal.patient;
      filter = intersectFilters(filter!, { kind: 'only', patients: launch ? [launch] : [] });
    }
    // Nothing excluded is everything: the engine then takes its unrestricted path (no extra SQL).
    if (filter!.kind === 'except' && filter!.patients.length === 0) return ALLOW_ALL;
    return { allowed: true, filter: filter! };
  }

  private async roleFilter(db: Queryable, role: Role, policy: CompiledPolicy): Promise<RowFilter> {
    if (UNRESTRICTED.has(role)) return { kind: 'all' };
    const facts = await this.callerFacts(db);
    const fhirUser = this.principal.fhirUser ?? facts.fhirUser;
    if (role === 'patient') {
      const own = this.principal.patient ?? idOf(fhirUser, 'Patient');
      return { kind: 'only', patients: own ? [own] : [] };
    }
    const glass = new Set(facts.brokenGlass);
    const tenantId = this.principal.tenantId;
    const consents = await this.policies.attributes.consentsOf(tenantId, async () =>
      (await readActiveConsents(db, tenantId)).map((content) => JSON.parse(content) as Consent),
    );
    const denied = consentDenials(consents, fhirUser, this.now()).filter((patient) => !glass.has(patient));
    if (CLINICIANS.has(role) && policy.document.clinicianAccess === 'care-team') {
      const practitioner = idOf(fhirUser, 'Practitioner');
      this.careTeam ??= practitioner
        ? this.policies.attributes.careTeamOf(tenantId, practitioner, () =>
            careTeamPatients(db, tenantId, practitioner),
          )
        : Promise.resolve([]);
      const cared = new Set([...(await this.careTeam), ...glass]);
      const excluded = new Set(denied);
      return { kind: 'only', patients: [...cared].filter((patient) => !excluded.has(patient)) };
    }
    return { kind: 'except', patients: denied };
  }

  private callerFacts(db: Queryable): Promise<CallerFacts> {
    this.facts ??= readCallerFacts(
      db,
      this.principal.tenantId,
      { userId: this.principal.userId, subject: this.principal.subject },
      this.now().toISOString(),
    );
    return this.facts;
  }
}
