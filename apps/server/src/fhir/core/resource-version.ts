import type { Meta, Resource } from '@medplum/fhirtypes';
import { type RowFilter, rowVisible } from './access';
import type { StoredVersion } from './resource-store';

// How a stored version is shaped and compared: parsing, stamping id and meta, equality without meta.

export function parseStored<T extends Resource = Resource>(stored: StoredVersion): T {
  return JSON.parse(stored.content ?? 'null') as T;
}

export function visible(filter: RowFilter, stored: StoredVersion): boolean {
  return filter.kind === 'all' || (stored.content !== null && rowVisible(filter, parseStored(stored)));
}

/** The resource as stored: its id, and meta with the server's versionId and lastUpdated. */
export function stamp(input: Resource, id: string, versionId: number, lastUpdated: string): Resource {
  const meta: Meta = { ...(input.meta ?? {}), versionId: String(versionId), lastUpdated };
  const { resourceType, id: _ignored, meta: _oldMeta, ...rest } = input;
  return { resourceType, id, meta, ...rest } as Resource;
}

export function withoutServerMeta(resource: Resource): Resource {
  const { meta, ...rest } = resource;
  if (!meta) return rest as Resource;
  const { versionId: _v, lastUpdated: _l, ...keptMeta } = meta;
  return (Object.keys(keptMeta).length ? { ...rest, meta: keptMeta } : rest) as Resource;
}

/** JSON with object keys sorted, so two equal resources compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
