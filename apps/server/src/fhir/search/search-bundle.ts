import type { Bundle, BundleEntry, BundleLink, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { shapeResource } from './resource-summary';
import type { SearchQuery } from './search-query';

export interface PageResult {
  matches: Resource[];
  included: Resource[];
  /** Cursors for the pages after and before this one, when there are such pages. */
  nextCursor?: string;
  previousCursor?: string;
  total?: number;
  warnings: OperationOutcomeIssue[];
}

function url(base: string, params: [string, string][]): string {
  const query = new URLSearchParams(params).toString();
  return query ? `${base}?${query}` : base;
}

/** The searchset Bundle: matches, then included resources, then an outcome entry for ignored parameters. */
export function searchsetBundle(
  query: SearchQuery,
  page: PageResult,
  baseUrl: string,
  resourceType: string | undefined,
  currentCursor?: string,
): Bundle {
  const self = resourceType ? `${baseUrl}/${resourceType}` : baseUrl;
  const shape = (resource: Resource) => shapeResource(resource, query.summary, query.elements);
  const entry = (resource: Resource, mode: 'match' | 'include'): BundleEntry => ({
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
    resource: shape(resource),
    search: { mode },
  });
  const entries: BundleEntry[] = [
    ...page.matches.map((resource) => entry(resource, 'match')),
    ...page.included.map((resource) => entry(resource, 'include')),
  ];
  if (page.warnings.length) {
    entries.push({
      resource: { resourceType: 'OperationOutcome', issue: page.warnings },
      search: { mode: 'outcome' },
    });
  }
  const link: BundleLink[] = [
    {
      relation: 'self',
      url: url(self, currentCursor ? [...query.linkParams, ['_cursor', currentCursor]] : query.linkParams),
    },
  ];
  if (currentCursor) link.push({ relation: 'first', url: url(self, query.linkParams) });
  if (page.previousCursor) {
    link.push({ relation: 'previous', url: url(self, [...query.linkParams, ['_cursor', page.previousCursor]]) });
  }
  if (page.nextCursor)
    link.push({ relation: 'next', url: url(self, [...query.linkParams, ['_cursor', page.nextCursor]]) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link,
    ...(entries.length ? { entry: entries } : {}),
  };
}
