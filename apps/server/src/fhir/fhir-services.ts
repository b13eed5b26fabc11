import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { FhirContext, FhirRepository } from './core/repository';
import type { OperationRegistry } from './operations/operation-registry';

/** How strictly to treat unknown or malformed search parameters (the `Prefer: handling=` header). */
export type SearchHandling = 'strict' | 'lenient';

export interface SearchRequest {
  /** Omitted for a search across all types (`GET /fhir/R4?_type=...`). */
  resourceType?: string;
  /** The query parameters in order, repeated names kept. */
  params: [string, string][];
  handling: SearchHandling;
}

export interface SearchService {
  /** A searchset Bundle with paging links relative to `baseUrl` (the FHIR base, e.g. http://host/fhir/R4). */
  search(ctx: FhirContext, request: SearchRequest, baseUrl: string): Promise<Bundle>;
  /** Ids of the resources that match, at most `limit`: conditional create, update and delete use it. */
  findIds(ctx: FhirContext, resourceType: string, params: [string, string][], limit: number): Promise<string[]>;
  /** The search parameters that work for a type, for the CapabilityStatement. */
  supportedParameters(resourceType: string): { name: string; type: string; definition?: string }[];
}

export interface BundleService {
  /** Runs a `transaction` or `batch` Bundle and returns its response Bundle. */
  process(
    ctx: FhirContext,
    bundle: unknown,
    baseUrl: string,
    options?: { prefer?: 'minimal' | 'representation' | 'OperationOutcome' },
  ): Promise<Bundle>;
}

export interface FhirServices {
  repository: FhirRepository;
  search: SearchService;
  bundles: BundleService;
  operations: OperationRegistry;
}

export type { Resource };
