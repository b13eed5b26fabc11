import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';
import type { FhirContext } from './repository';

/** What changed in one write, as the repository tells its observers. */
export interface FhirWriteEvent {
  tenantId: string;
  /** create (also an update that created the resource), update, patch, delete, or meta ($meta-add/-delete). */
  action: 'create' | 'update' | 'patch' | 'delete' | 'meta';
  resourceType: string;
  id: string;
  versionId: number;
  /** The resource as stored; for a delete, the version that was deleted. */
  resource?: Resource;
}

/**
 * Called with the resources one repository call wrote (one, or a bulk write's all) inside the write's transaction, after the change is written and before it commits: whatever a
 * listener writes on `tx` stands or falls with the change (the audit trail, a domain-event outbox). A
 * listener that throws rolls the change back.
 */
export type FhirWriteListener = (tx: Queryable, events: FhirWriteEvent[], ctx: FhirContext) => Promise<void>;
