import type { OperationOutcomeIssue, Patient } from '@medplum/fhirtypes';
import { type ApiError, type ApiIssue, issuesFromOutcome } from '../api/api-error';

/** A patient on file that the server thinks the one being registered may be. */
export interface DuplicateCandidate {
  id: string;
  score: number;
  grade: 'certain' | 'probable' | 'possible';
  /** What agreed: name, birthDate, gender, phone, email, address, identifier. */
  matched: string[];
  mrn: string | null;
  patient: Patient;
}

export interface Registration {
  patient: Patient;
  mrn: string;
}

/** The candidates of a PATIENT_DUPLICATE_SUSPECTED answer, or undefined for any other error. */
export function duplicateCandidates(error: ApiError): DuplicateCandidate[] | undefined {
  if (error.code !== 'PATIENT_DUPLICATE_SUSPECTED') return undefined;
  const candidates = error.details.candidates;
  return Array.isArray(candidates) ? (candidates as DuplicateCandidate[]) : [];
}

/**
 * The registration API's problems as issues the form can place: a request problem names its field as
 * `patient.birthDate`, a FHIR validation problem carries OperationOutcome issues naming `Patient.…`.
 */
export function registrationIssues(error: ApiError): ApiIssue[] {
  if (error.code === 'PATIENT_INVALID_RESOURCE' && Array.isArray(error.details.issues)) {
    return issuesFromOutcome({
      resourceType: 'OperationOutcome',
      issue: error.details.issues as OperationOutcomeIssue[],
    });
  }
  const path = typeof error.details.path === 'string' ? error.details.path : undefined;
  if (error.code === 'PATIENT_INVALID_REQUEST' && path?.startsWith('patient.')) {
    return [
      {
        severity: 'error',
        code: 'invalid',
        message: error.message,
        expression: `Patient.${path.slice('patient.'.length)}`,
      },
    ];
  }
  return error.issues;
}

/** Words for what agreed, for the person deciding. */
export function describeMatch(candidate: DuplicateCandidate): string {
  const words: Record<string, string> = {
    name: 'name',
    birthDate: 'date of birth',
    'birthDate (day and month swapped)': 'date of birth with day and month swapped',
    'birthDate (one digit apart)': 'date of birth one digit apart',
    gender: 'gender',
    phone: 'phone',
    email: 'email',
    address: 'address',
    identifier: 'an identifier',
  };
  const agreed = candidate.matched.map((field) => words[field] ?? field);
  return `${candidate.grade} match (${Math.round(candidate.score * 100)}%): same ${agreed.join(', ')}`;
}
