import type { Condition } from '@medplum/fhirtypes';
import type { ProblemChanges, ReactionSeverity } from './clinical-lists-api';
import { dateInputValue, today } from './list-options';
import { problemStatus } from './problem-list';

/** Condition severity by its SNOMED CT code, as the server records it. */
const SEVERITY_BY_CODE: Record<string, ReactionSeverity> = {
  '255604002': 'mild',
  '6736007': 'moderate',
  '24484000': 'severe',
};

export interface ProblemForm {
  onset: string;
  severity: ReactionSeverity | null;
  verificationStatus: string | null;
  clinicalStatus: string;
  /** The date of a change of clinical status. */
  date: string;
  note: string;
}

/** The editor's starting point for a problem. */
export function problemForm(problem: Condition, now: Date = new Date()): ProblemForm {
  const severity = problem.severity?.coding?.map((coding) => SEVERITY_BY_CODE[coding.code ?? '']).find(Boolean);
  return {
    onset: dateInputValue(problem.onsetDateTime),
    severity: severity ?? null,
    verificationStatus: problem.verificationStatus?.coding?.[0]?.code ?? null,
    clinicalStatus: problemStatus(problem) ?? 'active',
    date: today(now),
    note: '',
  };
}

/** What the edit changes (only that is sent; an emptied field is cleared), or nothing when nothing changed. */
export function problemChanges(before: ProblemForm, after: ProblemForm): ProblemChanges | undefined {
  const changes: ProblemChanges = {};
  if (after.onset !== before.onset) changes.onset = after.onset || null;
  if (after.severity !== before.severity) changes.severity = after.severity;
  if (after.verificationStatus && after.verificationStatus !== before.verificationStatus) {
    changes.verificationStatus = after.verificationStatus;
  }
  if (after.clinicalStatus !== before.clinicalStatus) {
    changes.clinicalStatus = after.clinicalStatus;
    if (after.date) changes.date = after.date;
  }
  if (after.note.trim()) changes.note = after.note.trim();
  return Object.keys(changes).length ? changes : undefined;
}
