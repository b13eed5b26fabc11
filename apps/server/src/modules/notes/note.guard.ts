import type { Composition } from '@medplum/fhirtypes';
import { FhirError, type WriteGuard } from '../../fhir';

/**
 * A signed note is read-only on every write path (PUT, PATCH, DELETE, Bundles), not only in the notes
 * API: corrections are addenda, new Compositions that append to it.
 */
export const compositionWriteGuard: WriteGuard = ({ before, after }) => {
  if (!before || (before as Composition).status === 'preliminary') return;
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
