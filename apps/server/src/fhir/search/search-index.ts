import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';

/**
 * Keeps the search index tables in step with the resource store. Called inside the transaction that
 * writes the resource, so the index never disagrees with what is stored.
 */
export interface SearchIndexWriter {
  /** Replaces every index row of one resource; `resource` null removes them (deletion). */
  write(db: Queryable, tenantId: string, resourceType: string, id: string, resource: Resource | null): Promise<void>;
  /** Replaces the index rows of many stored resources at once (bulk writes); optional. */
  writeMany?(db: Queryable, tenantId: string, resources: Resource[]): Promise<void>;
}
