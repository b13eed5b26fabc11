import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { weakEtag } from '../core/ids';
import { fhirErrors } from '../core/outcome';
import type { HistoryQuery, StoredVersion } from '../core/resource-store';

const DEFAULT_COUNT = 50;
const MAX_COUNT = 1000;

function encodeCursor(version: StoredVersion): string {
  return Buffer.from(
    JSON.stringify([version.lastUpdated, version.resourceType, version.id, version.versionId]),
    'utf8',
  ).toString('base64url');
}

function decodeCursor(cursor: string): HistoryQuery['before'] {
  try {
    const [lastUpdated, resourceType, id, versionId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof lastUpdated !== 'string' || typeof resourceType !== 'string' || typeof id !== 'string')
      throw new Error();
    if (Number.isNaN(Date.parse(lastUpdated)) || !Number.isInteger(versionId)) throw new Error();
    return { lastUpdated, resourceType, id, versionId };
  } catch {
    throw fhirErrors.invalid('The _cursor parameter is not one this server issued', '_cursor');
  }
}

/** `_since`, `_count` and the paging cursor of a history request. */
export function parseHistoryParams(params: [string, string][]): HistoryQuery {
  const query: HistoryQuery = { count: DEFAULT_COUNT };
  for (const [name, value] of params) {
    if (name === '_count') {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 0) throw fhirErrors.invalid('_count must be a whole number', '_count');
      query.count = Math.min(count, MAX_COUNT);
    } else if (name === '_since') {
      if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) {
        throw fhirErrors.invalid('_since must be an instant such as 2024-01-01T00:00:00Z', '_since');
      }
      query.since = new Date(value).toISOString();
    } else if (name === '_cursor') {
      query.before = decodeCursor(value);
    }
  }
  return query;
}

function methodStatus(method: string | undefined): { method: 'POST' | 'PUT' | 'DELETE' | 'PATCH'; status: string } {
  switch (method) {
    case 'POST':
      return { method: 'POST', status: '201 Created' };
    case 'DELETE':
      return { method: 'DELETE', status: '204 No Content' };
    case 'PATCH':
      return { method: 'PATCH', status: '200 OK' };
    default:
      return { method: 'PUT', status: '200 OK' };
  }
}

/** A history Bundle, newest first, with a `next` link that resumes after the last entry (no offsets). */
export async function historyBundle(
  versions: StoredVersion[],
  query: HistoryQuery,
  selfUrl: string,
  baseUrl: string,
): Promise<Bundle> {
  const entries: BundleEntry[] = versions.map((version) => {
    const { method, status } = methodStatus(version.method);
    const url = method === 'POST' ? version.resourceType : `${version.resourceType}/${version.id}`;
    return {
      fullUrl: `${baseUrl}/${version.resourceType}/${version.id}`,
      ...(version.content ? { resource: JSON.parse(version.content) as Resource } : {}),
      request: { method, url },
      response: {
        status,
        etag: weakEtag(version.versionId),
        lastModified: version.lastUpdated,
      },
    };
  });
  const base = new URLSearchParams();
  if (query.since) base.set('_since', query.since);
  base.set('_count', String(query.count));
  const link = [{ relation: 'self', url: `${selfUrl}?${base.toString()}` }];
  const last = versions[versions.length - 1];
  if (last && versions.length === query.count) {
    const next = new URLSearchParams(base);
    next.set('_cursor', encodeCursor(last));
    link.push({ relation: 'next', url: `${selfUrl}?${next.toString()}` });
  }
  return { resourceType: 'Bundle', type: 'history', link, entry: entries };
}
