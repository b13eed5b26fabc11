import type { HumanName, Identifier, Patient } from '@medplum/fhirtypes';

/** Where Meridian keeps its medical record numbers; a tenant's own MRN system can replace it later. */
export const MRN_SYSTEM = 'https://meridian.health/fhir/identifier/mrn';
const IDENTIFIER_TYPES = 'http://terminology.hl7.org/CodeSystem/v2-0203';

function preferredName(patient: Patient): HumanName | undefined {
  const names = patient.name ?? [];
  return names.find((name) => name.use === 'official') ?? names.find((name) => name.use !== 'old') ?? names[0];
}

/** "DOE, Jane Marie": family first and capitalised, the way wristbands and charts print it. */
export function formatPatientName(patient: Patient): string {
  const name = preferredName(patient);
  if (!name) return 'Unnamed patient';
  const given = (name.given ?? []).join(' ');
  const family = name.family?.toUpperCase();
  if (family && given) return `${family}, ${given}`;
  return family || given || name.text || 'Unnamed patient';
}

export function isMrn(identifier: Identifier): boolean {
  const typed = identifier.type?.coding?.some((coding) => coding.system === IDENTIFIER_TYPES && coding.code === 'MR');
  return Boolean(typed || identifier.system === MRN_SYSTEM);
}

export function mrnOf(patient: Patient): string | undefined {
  return patient.identifier?.find(isMrn)?.value;
}

/** Identifiers other than the MRN, labelled by their type's text or code when they have one. */
export function otherIdentifiers(patient: Patient): { label: string; value: string }[] {
  return (patient.identifier ?? [])
    .filter((identifier) => !isMrn(identifier) && identifier.value)
    .map((identifier) => ({
      label:
        identifier.type?.text ?? identifier.type?.coding?.[0]?.display ?? identifier.type?.coding?.[0]?.code ?? 'ID',
      value: identifier.value!,
    }));
}

export const GENDER_LABELS: Record<NonNullable<Patient['gender']>, string> = {
  female: 'Female',
  male: 'Male',
  other: 'Other',
  unknown: 'Unknown',
};

export function genderLabel(patient: Patient): string {
  return patient.gender ? GENDER_LABELS[patient.gender] : 'Gender not recorded';
}

export function primaryPhone(patient: Patient): string | undefined {
  return patient.telecom?.find((point) => point.system === 'phone' && point.value)?.value;
}
