import type { Bundle, ExtractResource, Resource, ResourceType } from '@medplum/fhirtypes';
import type { HttpClient } from './http-client';

export const FHIR_BASE = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json';

export type SearchParams = Record<string, string | number | undefined> | [string, string][];

export interface SearchResult<T extends Resource> {
  resources: T[];
  /** Total matches when the server counted them. */
  total?: number;
  bundle: Bundle<T>;
}

function toQuery(params: SearchParams): string {
  const pairs = Array.isArray(params)
    ? params
    : Object.entries(params).flatMap(([key, value]) =>
        value === undefined || value === '' ? [] : [[key, String(value)] as [string, string]],
      );
  const query = new URLSearchParams(pairs).toString();
  return query ? `?${query}` : '';
}

/** A small typed client for Meridian's FHIR R4 API. Errors arrive as ApiError with the OperationOutcome's issues. */
export class FhirClient {
  constructor(private readonly http: HttpClient) {}

  async read<K extends ResourceType>(type: K, id: string, signal?: AbortSignal): Promise<ExtractResource<K>> {
    const { body } = await this.http.request<ExtractResource<K>>(`${FHIR_BASE}/${type}/${encodeURIComponent(id)}`, {
      accept: FHIR_JSON,
      ...(signal ? { signal } : {}),
    });
    return body;
  }

  async create<T extends Resource>(resource: T): Promise<T> {
    const { body } = await this.http.request<T>(`${FHIR_BASE}/${resource.resourceType}`, {
      method: 'POST',
      body: resource,
      accept: FHIR_JSON,
      contentType: FHIR_JSON,
      headers: { prefer: 'return=representation' },
    });
    return body;
  }

  async search<K extends ResourceType>(
    type: K,
    params: SearchParams,
    signal?: AbortSignal,
  ): Promise<SearchResult<ExtractResource<K>>> {
    const { body } = await this.http.request<Bundle<ExtractResource<K>>>(`${FHIR_BASE}/${type}${toQuery(params)}`, {
      accept: FHIR_JSON,
      ...(signal ? { signal } : {}),
    });
    // Only matches: _include'd resources and OperationOutcome warnings ride along with other search modes.
    const resources = (body.entry ?? [])
      .filter((entry) => entry.resource?.resourceType === type && entry.search?.mode !== 'include')
      .map((entry) => entry.resource as ExtractResource<K>);
    return { resources, ...(body.total !== undefined ? { total: body.total } : {}), bundle: body };
  }
}
