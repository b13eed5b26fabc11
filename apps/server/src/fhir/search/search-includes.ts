import type { Queryable } from '../../platform/db';
import { readMany, type StoredVersion } from '../core/resource-store';
import { MAX_INCLUDE_ROUNDS, MAX_INCLUDED } from './search-constants';
import type { IncludeSpec } from './search-query';

interface Ref {
  resourceType: string;
  id: string;
}

const keyOf = (ref: Ref) => `${ref.resourceType}/${ref.id}`;

function byType(refs: Ref[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const ref of refs) grouped.set(ref.resourceType, [...(grouped.get(ref.resourceType) ?? []), ref.id]);
  return grouped;
}

/** Targets of the references `spec` follows out of `from` (`_include`), read from the reference index. */
async function forward(db: Queryable, tenantId: string, spec: IncludeSpec, from: Ref[]): Promise<Ref[]> {
  const found: Ref[] = [];
  for (const [type, ids] of byType(from)) {
    if (spec.sourceType !== '*' && spec.sourceType !== type) continue;
    const params: unknown[] = [tenantId, type, ids];
    let filter = '';
    if (spec.code) {
      params.push(spec.code);
      filter += ` AND code = $${params.length}`;
    }
    if (spec.targetType) {
      params.push(spec.targetType);
      filter += ` AND target_type = $${params.length}`;
    }
    const result = await db.query<{ target_type: string; target_id: string }>(
      `SELECT DISTINCT target_type, target_id FROM fhir_sp_reference
       WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = ANY($3::text[]) AND target_id IS NOT NULL${filter}
       LIMIT ${MAX_INCLUDED}`,
      params,
    );
    found.push(...result.rows.map((row) => ({ resourceType: row.target_type, id: row.target_id })));
  }
  return found;
}

/** Resources of `spec.sourceType` whose references `spec` names point at `to` (`_revinclude`). */
async function reverse(db: Queryable, tenantId: string, spec: IncludeSpec, to: Ref[]): Promise<Ref[]> {
  const found: Ref[] = [];
  for (const [type, ids] of byType(to)) {
    if (spec.targetType && spec.targetType !== type) continue;
    const params: unknown[] = [tenantId, type, ids];
    let filter = '';
    if (spec.sourceType !== '*') {
      params.push(spec.sourceType);
      filter += ` AND resource_type = $${params.length}`;
    }
    if (spec.code) {
      params.push(spec.code);
      filter += ` AND code = $${params.length}`;
    }
    const result = await db.query<{ resource_type: string; resource_id: string }>(
      `SELECT DISTINCT resource_type, resource_id FROM fhir_sp_reference
       WHERE tenant_id = $1 AND target_type = $2 AND target_id = ANY($3::text[])${filter}
       LIMIT ${MAX_INCLUDED}`,
      params,
    );
    found.push(...result.rows.map((row) => ({ resourceType: row.resource_type, id: row.resource_id })));
  }
  return found;
}

/**
 * The resources `_include` and `_revinclude` add to a page: first from the matches, then (for the
 * `:iterate` ones) from what was just added, a few rounds at most. Deleted resources and the matches
 * themselves are never added; row-level security keeps every other tenant's rows out.
 */
export async function loadIncluded(
  db: Queryable,
  tenantId: string,
  matches: Ref[],
  includes: IncludeSpec[],
  revincludes: IncludeSpec[],
  /** Keeps only what the caller may see (absent: everything). */
  visible?: (versions: StoredVersion[]) => Promise<StoredVersion[]>,
): Promise<{ resources: StoredVersion[]; truncated: boolean }> {
  if (!includes.length && !revincludes.length) return { resources: [], truncated: false };
  let truncated = false;
  const seen = new Set(matches.map(keyOf));
  const added: StoredVersion[] = [];
  let frontier: Ref[] = matches;
  for (let round = 0; round < MAX_INCLUDE_ROUNDS && frontier.length && added.length < MAX_INCLUDED; round++) {
    const first = round === 0;
    const candidates: Ref[] = [];
    for (const spec of includes)
      if (first || spec.iterate) candidates.push(...(await forward(db, tenantId, spec, frontier)));
    for (const spec of revincludes) {
      if (first || spec.iterate) candidates.push(...(await reverse(db, tenantId, spec, frontier)));
    }
    const fresh = candidates.filter((ref) => {
      const key = keyOf(ref);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const room = MAX_INCLUDED - added.length;
    if (fresh.length > room || candidates.length >= MAX_INCLUDED) truncated = true;
    const read = await readMany(db, tenantId, fresh.slice(0, room));
    const stored = visible ? await visible(read) : read;
    added.push(...stored);
    frontier = stored.map((version) => ({ resourceType: version.resourceType, id: version.id }));
  }
  if (frontier.length && added.length >= MAX_INCLUDED) truncated = true;
  return { resources: added, truncated };
}
