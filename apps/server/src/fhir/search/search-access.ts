import type { Queryable } from '../../platform/db';
import { type AccessGuard, authorize, rowVisible, type TypeScope, typeScope } from '../core/access';
import type { StoredVersion } from '../core/resource-store';
import type { Condition, SearchQuery } from './search-query';

/** The types a chain or `_has` looks through, however deeply nested. */
function relatedTypes(conditions: Condition[], found = new Set<string>()): Set<string> {
  for (const condition of conditions) {
    if (condition.kind === 'chain') {
      for (const type of condition.targetTypes) found.add(type);
      relatedTypes([condition.next], found);
    } else if (condition.kind === 'has') {
      found.add(condition.sourceType);
      relatedTypes([condition.next], found);
    }
  }
  return found;
}

/**
 * The search restricted to what the caller may see, in SQL, so paging and totals count only that:
 * a type named in the request that the caller may not search is a 403; a search over every type leaves
 * the closed ones out; chained and `_has` resources must be visible too.
 */
export async function restrictSearch(
  access: AccessGuard | undefined,
  db: Queryable,
  query: SearchQuery,
): Promise<SearchQuery> {
  if (!access) return query;
  for (const type of query.types) await authorize(access, db, 'search', type);
  const main = await typeScope(access, db, 'search', query.types.length ? query.types : undefined);
  const related = relatedTypes(query.conditions);
  const relatedScope = related.size ? await typeScope(access, db, 'search', [...related]) : undefined;
  if (!main && !relatedScope) return query;
  return { ...query, access: { ...(main ? { main } : {}), ...(relatedScope ? { related: relatedScope } : {}) } };
}

/** A filter for `_include`d and `_revinclude`d resources: only those the caller may read. */
export function includeFilter(
  access: AccessGuard | undefined,
  db: Queryable,
): ((versions: StoredVersion[]) => Promise<StoredVersion[]>) | undefined {
  if (!access) return undefined;
  const scopes = new Map<string, TypeScope | undefined>();
  return async (versions) => {
    const kept: StoredVersion[] = [];
    for (const version of versions) {
      if (!scopes.has(version.resourceType)) {
        scopes.set(version.resourceType, await typeScope(access, db, 'read', [version.resourceType]));
      }
      const scope = scopes.get(version.resourceType);
      if (!scope) {
        kept.push(version);
        continue;
      }
      const filter = scope.get(version.resourceType);
      if (filter && version.content && rowVisible(filter, JSON.parse(version.content))) {
        kept.push(version);
      }
    }
    return kept;
  };
}
