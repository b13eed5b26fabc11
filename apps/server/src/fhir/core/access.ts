import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';
import { compartmentParams, compartmentPatients, isPatientSpecific } from '../operations/patient-compartment';
import { resourceTypes } from './definitions';
import { FhirError, issue } from './outcome';

/**
 * The FHIR engine's side of access control. The engine does not decide who may do what: a context may
 * carry an `AccessGuard` (built by the access module from the caller) that answers for one interaction on
 * one resource type, and the engine applies the answer at its stores — reads, writes, search SQL, includes,
 * history, operations. A context without a guard is the server itself (or a development server with
 * AUTH_REQUIRED off) and is not restricted.
 */

/**
 * Which rows of a patient-specific type the caller may touch: every row, only those in the compartment
 * of the given patients, or every row except those in the compartment of the given patients.
 */
export type RowFilter =
  | { kind: 'all' }
  | { kind: 'only'; patients: readonly string[] }
  | { kind: 'except'; patients: readonly string[] };

export interface AccessDecision {
  allowed: boolean;
  /** For patient-specific types: which rows. Ignored for shared types (Practitioner, Medication...). */
  filter: RowFilter;
}

/** Interactions: read, vread, search, history, create, update, patch, delete, or `$operation`. */
export interface AccessGuard {
  /** May be called many times per request; implementations memoise. `db` is the connection in use. */
  decide(db: Queryable, interaction: string, resourceType: string): Promise<AccessDecision>;
}

export const ALL_ROWS: RowFilter = { kind: 'all' };

export const accessErrors = {
  forbidden: (interaction: string, resourceType: string) =>
    new FhirError(403, [issue('forbidden', `You may not ${interaction} ${resourceType} resources`)], 'FHIR_FORBIDDEN'),
  forbiddenResource: (interaction: string, resourceType: string) =>
    new FhirError(
      403,
      [
        issue(
          'forbidden',
          `You may not ${interaction} this ${resourceType}: it belongs to a patient outside your access`,
        ),
      ],
      'FHIR_FORBIDDEN',
    ),
};

/** The filter for `interaction` on `resourceType`, or a 403 when the caller may not do it at all. */
export async function authorize(
  access: AccessGuard | undefined,
  db: Queryable,
  interaction: string,
  resourceType: string,
): Promise<RowFilter> {
  if (!access) return ALL_ROWS;
  const decision = await access.decide(db, interaction, resourceType);
  if (!decision.allowed) throw accessErrors.forbidden(interaction, resourceType);
  return isPatientSpecific(resourceType) ? decision.filter : ALL_ROWS;
}

/** Like `authorize`, but undefined instead of a 403 (for what is silently left out: includes, $everything). */
export async function permitted(
  access: AccessGuard | undefined,
  db: Queryable,
  interaction: string,
  resourceType: string,
): Promise<RowFilter | undefined> {
  if (!access) return ALL_ROWS;
  const decision = await access.decide(db, interaction, resourceType);
  if (!decision.allowed) return undefined;
  return isPatientSpecific(resourceType) ? decision.filter : ALL_ROWS;
}

/** Whether a resource passes a row filter (by the patients whose compartment holds it). */
export function rowVisible(filter: RowFilter, resource: Resource): boolean {
  if (filter.kind === 'all' || !isPatientSpecific(resource.resourceType)) return true;
  const patients = compartmentPatients(resource);
  if (filter.kind === 'only') return filter.patients.some((patient) => patients.has(patient));
  return !filter.patients.some((patient) => patients.has(patient));
}

/** Per type, what the caller may see of it; types the caller may not touch are absent. */
export type TypeScope = Map<string, RowFilter>;

/**
 * The scope of a read over several types (a system search, history, includes): each requested type the
 * caller may `interaction`, with its filter. Undefined when nothing is restricted (no guard, or every type
 * allowed with every row) — the fast path.
 */
export async function typeScope(
  access: AccessGuard | undefined,
  db: Queryable,
  interaction: string,
  types: readonly string[] | undefined,
): Promise<TypeScope | undefined> {
  if (!access) return undefined;
  const scope: TypeScope = new Map();
  let restricted = false;
  for (const type of types ?? resourceTypes()) {
    const filter = await permitted(access, db, interaction, type);
    if (!filter) {
      restricted = true;
      continue;
    }
    if (filter.kind !== 'all') restricted = true;
    scope.set(type, filter);
  }
  return restricted ? scope : undefined;
}

/** Whether a resource may be shown under a type scope. */
export function scopeAllows(scope: TypeScope | undefined, resource: Resource): boolean {
  if (!scope) return true;
  const filter = scope.get(resource.resourceType);
  return filter !== undefined && rowVisible(filter, resource);
}

function filterKey(filter: RowFilter): string {
  return filter.kind === 'all' ? 'all' : `${filter.kind}:${[...filter.patients].sort().join(',')}`;
}

/**
 * A SQL condition on the fhir_resource row `alias` (columns tenant_id, resource_type, id) that holds only
 * for rows the scope lets through, compartments read from the reference index. `add` binds a parameter.
 */
export function scopeSql(scope: TypeScope, alias: string, add: (value: unknown) => string): string {
  const open: string[] = [];
  const groups = new Map<string, { filter: RowFilter; codes: string[]; types: string[] }>();
  for (const [type, filter] of scope) {
    if (filter.kind === 'all' || !isPatientSpecific(type)) {
      open.push(type);
      continue;
    }
    const codes = compartmentParams(type);
    const key = `${filterKey(filter)}|${codes.join(',')}`;
    const group = groups.get(key) ?? { filter, codes, types: [] };
    group.types.push(type);
    groups.set(key, group);
  }
  const alternatives: string[] = [];
  if (open.length) alternatives.push(`${alias}.resource_type = ANY(${add(open)}::text[])`);
  for (const group of groups.values()) {
    const filter = group.filter as Exclude<RowFilter, { kind: 'all' }>;
    const inCompartment = compartmentSql(group.types, group.codes, filter.patients, alias, add);
    const condition = filter.kind === 'only' ? inCompartment : `NOT ${inCompartment}`;
    alternatives.push(`(${alias}.resource_type = ANY(${add(group.types)}::text[]) AND ${condition})`);
  }
  return alternatives.length ? `(${alternatives.join(' OR ')})` : 'false';
}

function compartmentSql(
  types: string[],
  codes: string[],
  patients: readonly string[],
  alias: string,
  add: (value: unknown) => string,
): string {
  if (!patients.length) return 'false';
  const ids = add(patients);
  const parts: string[] = [];
  if (types.includes('Patient'))
    parts.push(`(${alias}.resource_type = 'Patient' AND ${alias}.id = ANY(${ids}::text[]))`);
  if (codes.length) {
    parts.push(`EXISTS (SELECT 1 FROM fhir_sp_reference acc WHERE acc.tenant_id = ${alias}.tenant_id
      AND acc.resource_type = ${alias}.resource_type AND acc.resource_id = ${alias}.id
      AND acc.code = ANY(${add(codes)}::text[]) AND acc.target_type = 'Patient' AND acc.target_id = ANY(${ids}::text[]))`);
  }
  return parts.length ? `(${parts.join(' OR ')})` : 'false';
}
