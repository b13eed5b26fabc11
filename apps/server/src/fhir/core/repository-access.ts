import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';
import { accessErrors, authorize, rowVisible } from './access';
import { fhirErrors } from './outcome';
import type { FhirContext } from './repository';
import { readCurrent, type StoredVersion } from './resource-store';
import { visible } from './resource-version';

// The repository's access checks on single resources: reads, changes and writes. Searches, includes and
// history apply the caller's scope in SQL instead (see access.ts).

/** The current version for a read: 403 when the type is closed to the caller, 404 when the row is hidden. */
export async function readVisible(
  ctx: FhirContext,
  db: Queryable,
  interaction: string,
  type: string,
  id: string,
): Promise<StoredVersion> {
  const filter = await authorize(ctx.access, db, interaction, type);
  const stored = await readCurrent(db, ctx.tenantId, type, id);
  if (!stored) throw fhirErrors.notFound(type, id);
  if (stored.deleted) throw fhirErrors.gone(type, id);
  if (!visible(filter, stored)) throw fhirErrors.notFound(type, id);
  return stored;
}

/**
 * A change of an existing resource (patch, delete, meta): a 403 when the interaction is closed to the
 * caller, a 404 when the resource is outside what they may see (its existence is not revealed).
 */
export async function mayChange(
  ctx: FhirContext,
  tx: Queryable,
  interaction: string,
  current: StoredVersion,
): Promise<void> {
  if (!ctx.access) return;
  const filter = await authorize(ctx.access, tx, interaction, current.resourceType);
  if (!visible(filter, current)) throw fhirErrors.notFound(current.resourceType, current.id);
}

/**
 * A write: the interaction must be open to the caller (an update that creates needs `create` too), the
 * version replaced must be one they may see, and the new version must stay within what they may see
 * (a patient cannot file an Appointment for someone else).
 */
export async function mayWrite(
  ctx: FhirContext,
  tx: Queryable,
  interaction: string,
  current: StoredVersion | undefined,
  after: Resource,
): Promise<void> {
  if (!ctx.access) return;
  const type = after.resourceType;
  const filter = await authorize(ctx.access, tx, interaction, type);
  const exists = current && !current.deleted;
  if (!exists && interaction !== 'create') await authorize(ctx.access, tx, 'create', type);
  if (exists && !visible(filter, current)) throw accessErrors.forbiddenResource(interaction, type);
  if (!rowVisible(filter, after)) throw accessErrors.forbiddenResource(interaction, type);
}
