import type { Encounter } from '@medplum/fhirtypes';
import { FhirError, type WriteGuard } from '../../fhir';
import { allowedTransitions, statusChangeAllowed } from './encounter.state';

/**
 * Direct FHIR writes (PUT, PATCH, Bundles, imports) keep to the visit lifecycle too: an update may not
 * jump between statuses the task API would refuse. New Encounters may start in any status (imports of
 * past visits arrive finished).
 */
export const encounterWriteGuard: WriteGuard = ({ before, after }) => {
  if (!before || !after) return;
  const from = (before as Encounter).status;
  const to = (after as Encounter).status;
  if (statusChangeAllowed(from, to)) return;
  const allowed = allowedTransitions(from);
  throw new FhirError(
    422,
    [
      {
        severity: 'error',
        code: 'business-rule',
        diagnostics: `An Encounter that is ${from} cannot become ${to}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`,
        expression: ['Encounter.status'],
      },
    ],
    'FHIR_BUSINESS_RULE',
  );
};
