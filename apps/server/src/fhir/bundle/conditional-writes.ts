import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';
import { isValidId, newId } from '../core/ids';
import { fhirErrors } from '../core/outcome';
import type { FhirContext, FhirRepository, WriteResult } from '../core/repository';
import type { SearchService } from '../fhir-services';

export interface ConditionalDeps {
  repository: FhirRepository;
  search: Pick<SearchService, 'findIds'>;
}

/** Criteria in a stable form: the same search written in another order is the same lock. */
export function normaliseCriteria(params: [string, string][]): string {
  return params
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
}

/**
 * Serialises conditional writes on the same criteria until the transaction ends: without it, two
 * simultaneous "create if none exists" requests both find nothing and both create. The lock is keyed by
 * tenant, type and normalised criteria; different criteria matching the same resource are not covered.
 */
export async function lockCriteria(
  tx: Queryable,
  tenantId: string,
  type: string,
  params: [string, string][],
): Promise<void> {
  await lockAllCriteria(tx, tenantId, [{ type, params }]);
}

function lockKey(tenantId: string, type: string, params: [string, string][]): string {
  return `fhir-conditional|${tenantId}|${type}?${normaliseCriteria(params)}`;
}

/**
 * Takes the locks of several criteria in one round trip, always in the same (sorted) order, so two
 * transactions that need the same criteria cannot deadlock on them.
 */
export async function lockAllCriteria(
  tx: Queryable,
  tenantId: string,
  list: { type: string; params: [string, string][] }[],
): Promise<void> {
  if (!list.length) return;
  const keys = [...new Set(list.map(({ type, params }) => lockKey(tenantId, type, params)))].sort();
  await tx.query('SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) AS k ORDER BY k', [keys]);
}

/** At most one match, or 412: what conditional create, update and delete (single) accept. */
export async function findSingleMatch(
  deps: ConditionalDeps,
  ctx: FhirContext,
  type: string,
  params: [string, string][],
  what: string,
): Promise<string | undefined> {
  const ids = await deps.search.findIds(ctx, type, params, 2);
  if (ids.length > 1) throw fhirErrors.multipleMatches(what);
  return ids[0];
}

export interface ConditionalCreateResult {
  resource: Resource;
  created: boolean;
}

/** Conditional create (If-None-Exist): 0 matches → create, 1 → the existing resource, more → 412. */
export async function conditionalCreate(
  deps: ConditionalDeps,
  ctx: FhirContext,
  type: string,
  resource: Resource,
  criteria: [string, string][],
  options: { id?: string } = {},
): Promise<ConditionalCreateResult> {
  deps.repository.checkType(type);
  // Validate before locking: a bad body should not queue behind other writers.
  deps.repository.validate(resource, type);
  return deps.repository.inTransaction(ctx, async (tx) => {
    const inTx = { ...ctx, tx };
    await lockCriteria(tx, ctx.tenantId, type, criteria);
    const existing = await findSingleMatch(deps, inTx, type, criteria, 'If-None-Exist');
    if (existing) return { resource: await deps.repository.read(inTx, type, existing), created: false };
    return { resource: await deps.repository.create(inTx, resource, options), created: true };
  });
}

/**
 * Conditional update (PUT Type?criteria): 0 matches → create (with the body's id if it has one),
 * 1 → update that resource, more → 412. A body id that differs from the match is refused.
 */
export async function conditionalUpdate(
  deps: ConditionalDeps,
  ctx: FhirContext,
  type: string,
  criteria: [string, string][],
  resource: Resource,
  options: { ifMatch?: string; newId?: string } = {},
): Promise<WriteResult> {
  deps.repository.checkType(type);
  if (!resource || typeof resource !== 'object') throw fhirErrors.invalid('The body must be a FHIR resource');
  return deps.repository.inTransaction(ctx, async (tx) => {
    const inTx = { ...ctx, tx };
    await lockCriteria(tx, ctx.tenantId, type, criteria);
    const match = await findSingleMatch(deps, inTx, type, criteria, 'The conditional update');
    if (match && resource.id && resource.id !== match) {
      throw fhirErrors.invalid(`Resource id '${resource.id}' does not match the resource found (${match})`, 'id');
    }
    if (!match && resource.id && !isValidId(resource.id)) {
      throw fhirErrors.invalid(`'${resource.id}' is not a valid resource id`, 'id');
    }
    const id = match ?? resource.id ?? options.newId ?? newId();
    return deps.repository.update(inTx, type, id, { ...resource, id } as Resource, {
      ...(options.ifMatch ? { ifMatch: options.ifMatch } : {}),
    });
  });
}

/** Conditional delete (single): 0 matches → nothing to do, 1 → delete it, more → 412. */
export async function conditionalDelete(
  deps: ConditionalDeps,
  ctx: FhirContext,
  type: string,
  criteria: [string, string][],
): Promise<string | undefined> {
  deps.repository.checkType(type);
  return deps.repository.inTransaction(ctx, async (tx) => {
    const inTx = { ...ctx, tx };
    const match = await findSingleMatch(deps, inTx, type, criteria, 'The conditional delete');
    if (match) await deps.repository.delete(inTx, type, match);
    return match;
  });
}
