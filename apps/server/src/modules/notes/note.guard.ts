import type { Composition, Resource } from '@medplum/fhirtypes';
import { FhirError, type WriteGuard } from '../../fhir';

const PATIENT_REFERENCE = /(^|\/)Patient\/[A-Za-z0-9\-.]{1,64}(\/_history\/[^/]+)?$/;

/**
 * The resource without its server meta, keys sorted and references to patients blanked: two versions
 * that differ only in which patient they point at (a merge, or its undo) come out the same.
 */
function contentBesidesPatient(resource: Resource): string {
  const { meta: _meta, ...rest } = resource;
  return JSON.stringify(rest, (key, value) => {
    if (key === 'reference' && typeof value === 'string' && PATIENT_REFERENCE.test(value)) return 'Patient/*';
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}

/**
 * A signed note is read-only on every write path (PUT, PATCH, DELETE, Bundles), not only in the notes
 * API: corrections are addenda, new Compositions that append to it. The one change let through is moving
 * its patient references, which merging two records of the same patient (and undoing that) must do.
 */
export const compositionWriteGuard: WriteGuard = ({ before, after }) => {
  if (!before || (before as Composition).status === 'preliminary') return;
  if (after && contentBesidesPatient(before) === contentBesidesPatient(after)) return;
  throw new FhirError(
    422,
    [
      {
        severity: 'error',
        code: 'business-rule',
        diagnostics: `Composition/${before.id} is ${(before as Composition).status} (signed) and cannot be ${after ? 'changed' : 'deleted'}; add an addendum (a Composition with relatesTo.code 'appends')`,
        expression: ['Composition.status'],
      },
    ],
    'FHIR_BUSINESS_RULE',
  );
};
