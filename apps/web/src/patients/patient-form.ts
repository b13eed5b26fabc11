import type { Patient } from '@medplum/fhirtypes';
import type { ApiIssue } from '../api/api-error';
import { MRN_SYSTEM } from './patient-display';

export interface PatientFormValues {
  family: string;
  given: string;
  birthDate: string;
  gender: '' | NonNullable<Patient['gender']>;
  mrn: string;
  phone: string;
  email: string;
  addressLine: string;
  city: string;
  postalCode: string;
}

export type PatientField = keyof PatientFormValues;

export const EMPTY_PATIENT_FORM: PatientFormValues = {
  family: '',
  given: '',
  birthDate: '',
  gender: '',
  mrn: '',
  phone: '',
  email: '',
  addressLine: '',
  city: '',
  postalCode: '',
};

/** What the form checks itself: only what is missing. Formats are the server's to judge, once, for everyone. */
export function missingFields(values: PatientFormValues): Partial<Record<PatientField, string>> {
  const errors: Partial<Record<PatientField, string>> = {};
  if (!values.family.trim()) errors.family = 'Enter the family name';
  if (!values.given.trim()) errors.given = 'Enter at least one given name';
  if (!values.birthDate.trim()) errors.birthDate = 'Enter the date of birth';
  if (!values.gender) errors.gender = 'Choose an administrative gender';
  return errors;
}

/** The FHIR Patient the form describes; empty fields are left out rather than sent as empty strings. */
export function toPatient(values: PatientFormValues): Patient {
  const trimmed = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, value.trim()]),
  ) as unknown as PatientFormValues;
  const telecom: NonNullable<Patient['telecom']> = [];
  if (trimmed.phone) telecom.push({ system: 'phone', value: trimmed.phone, use: 'mobile' });
  if (trimmed.email) telecom.push({ system: 'email', value: trimmed.email });
  const hasAddress = trimmed.addressLine || trimmed.city || trimmed.postalCode;
  return {
    resourceType: 'Patient',
    active: true,
    name: [
      {
        use: 'official',
        family: trimmed.family,
        given: trimmed.given.split(/\s+/).filter(Boolean),
      },
    ],
    ...(trimmed.birthDate ? { birthDate: trimmed.birthDate } : {}),
    ...(trimmed.gender ? { gender: trimmed.gender } : {}),
    ...(trimmed.mrn
      ? {
          identifier: [
            {
              use: 'usual',
              type: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }],
                text: 'MRN',
              },
              system: MRN_SYSTEM,
              value: trimmed.mrn,
            },
          ],
        }
      : {}),
    ...(telecom.length ? { telecom } : {}),
    ...(hasAddress
      ? {
          address: [
            {
              use: 'home',
              ...(trimmed.addressLine ? { line: [trimmed.addressLine] } : {}),
              ...(trimmed.city ? { city: trimmed.city } : {}),
              ...(trimmed.postalCode ? { postalCode: trimmed.postalCode } : {}),
            },
          ],
        }
      : {}),
  };
}

/**
 * The form field an OperationOutcome issue is about, from its FHIRPath `expression`
 * (`Patient.birthDate`, `Patient.name[0].given[1]`, `Patient.telecom[1].value`...). Telecom entries are
 * matched through the resource that was sent, since their position depends on which were filled in.
 */
export function fieldForExpression(expression: string, sent: Patient): PatientField | undefined {
  const path = expression.replace(/^Patient\./, '');
  const element = /^([a-zA-Z]+)(?:\[(\d+)\])?(?:\.([a-zA-Z]+))?/.exec(path);
  if (!element) return undefined;
  const [, name, index, child] = element;
  switch (name) {
    case 'birthDate':
      return 'birthDate';
    case 'gender':
      return 'gender';
    case 'name':
      return child === 'given' ? 'given' : 'family';
    case 'identifier':
      return 'mrn';
    case 'telecom': {
      const point = sent.telecom?.[Number(index ?? 0)];
      return point?.system === 'email' ? 'email' : 'phone';
    }
    case 'address':
      if (child === 'city') return 'city';
      if (child === 'postalCode') return 'postalCode';
      return 'addressLine';
    default:
      return undefined;
  }
}

/** Splits server issues into messages for fields and the rest, which the form shows above its buttons. */
export function placeIssues(
  issues: ApiIssue[],
  sent: Patient,
): { fields: Partial<Record<PatientField, string>>; general: ApiIssue[] } {
  const fields: Partial<Record<PatientField, string>> = {};
  const general: ApiIssue[] = [];
  for (const issue of issues) {
    if (issue.severity !== 'error' && issue.severity !== 'fatal') continue;
    const field = issue.expression ? fieldForExpression(issue.expression, sent) : undefined;
    if (field && !fields[field]) fields[field] = issue.message;
    else if (!field) general.push(issue);
  }
  return { fields, general };
}
