import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';

export type ProblemFilter = 'active' | 'resolved' | 'all';

const ICD_10_CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const CURRENT = new Set(['active', 'recurrence', 'relapse']);

export function problemStatus(problem: Condition): string | undefined {
  return problem.clinicalStatus?.coding?.[0]?.code;
}

export function problemCode(problem: Condition): string | undefined {
  return problem.code?.coding?.find((coding) => coding.system === ICD_10_CM)?.code;
}

/** The problems a filter shows: current ones (active, recurrence, relapse), the rest, or all; newest first. */
export function problemsShown(problems: Condition[], filter: ProblemFilter): Condition[] {
  const shown = problems.filter((problem) => {
    if (filter === 'all') return true;
    const current = CURRENT.has(problemStatus(problem) ?? 'active');
    return filter === 'active' ? current : !current;
  });
  return shown.sort((a, b) => (b.recordedDate ?? '').localeCompare(a.recordedDate ?? ''));
}

const SNOMED = 'http://snomed.info/sct';
/** SNOMED CT "no known allergy" situations (all, drug, food, environmental). */
const NO_KNOWN = new Set(['716186003', '409137002', '429625007', '428607008']);

export function isNoKnownAllergy(allergy: AllergyIntolerance): boolean {
  return Boolean(allergy.code?.coding?.some((coding) => coding.system === SNOMED && NO_KNOWN.has(coding.code ?? '')));
}

/** In force: active (or no status) and not refuted or entered in error. */
export function isCurrentAllergy(allergy: AllergyIntolerance): boolean {
  const status = allergy.clinicalStatus?.coding?.[0]?.code;
  const verification = allergy.verificationStatus?.coding?.[0]?.code;
  return (
    status !== 'inactive' && status !== 'resolved' && verification !== 'refuted' && verification !== 'entered-in-error'
  );
}

/** What the banner says about allergies: the real ones in force, or whether "no known allergy" is on record. */
export function allergySummary(allergies: AllergyIntolerance[]): { current: AllergyIntolerance[]; noKnown: boolean } {
  const inForce = allergies.filter(isCurrentAllergy);
  return {
    current: inForce.filter((allergy) => !isNoKnownAllergy(allergy)),
    noKnown: inForce.some(isNoKnownAllergy),
  };
}

/** An allergy as the banner names it: the substance, and that a reaction was severe when one was. */
export function allergyLabel(allergy: AllergyIntolerance, name: string): string {
  if (!name) return '';
  return allergy.reaction?.some((reaction) => reaction.severity === 'severe') ? `${name} (severe reaction)` : name;
}
