import type { Resource } from '@medplum/fhirtypes';
import { FhirError } from './outcome';
import type { FhirContext, FhirRepository } from './repository';

/**
 * Reads the resource a `Type/id` reference names. A target that does not exist (or was deleted) throws
 * what `missing` makes — the module's own error naming the field that holds the reference; anything else
 * (access refused, a database failure) passes through.
 */
export async function readReferenced(
  repository: FhirRepository,
  ctx: FhirContext,
  reference: string,
  missing: () => Error,
): Promise<Resource> {
  const [type, id] = reference.split('/') as [string, string];
  try {
    return await repository.read(ctx, type, id);
  } catch (error) {
    if (error instanceof FhirError && (error.status === 404 || error.status === 410)) throw missing();
    throw error;
  }
}
