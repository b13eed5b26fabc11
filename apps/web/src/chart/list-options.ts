/** The choices the clinical lists offer, in the words the chart shows, and the moves the server allows. */

export interface Option<V extends string = string> {
  value: V;
  label: string;
}

export const SEVERITY_OPTIONS = [
  { value: 'mild', label: 'Mild' },
  { value: 'moderate', label: 'Moderate' },
  { value: 'severe', label: 'Severe' },
] as const satisfies readonly Option[];

export const CRITICALITY_OPTIONS = [
  { value: 'low', label: 'Low' },
  { value: 'high', label: 'High' },
  { value: 'unable-to-assess', label: 'Unable to assess' },
] as const satisfies readonly Option[];

export const ALLERGY_CATEGORY_OPTIONS = [
  { value: 'medication', label: 'Medication' },
  { value: 'food', label: 'Food' },
  { value: 'environment', label: 'Environment' },
  { value: 'biologic', label: 'Biologic' },
] as const satisfies readonly Option[];

export const ALLERGY_CLINICAL_OPTIONS = [
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
  { value: 'resolved', label: 'Resolved' },
] as const satisfies readonly Option[];

export const ALLERGY_VERIFICATION_OPTIONS = [
  { value: 'unconfirmed', label: 'Unconfirmed' },
  { value: 'confirmed', label: 'Confirmed' },
  { value: 'refuted', label: 'Refuted' },
] as const satisfies readonly Option[];

export const PROBLEM_VERIFICATION_OPTIONS = [
  { value: 'unconfirmed', label: 'Unconfirmed' },
  { value: 'provisional', label: 'Provisional' },
  { value: 'differential', label: 'Differential' },
  { value: 'confirmed', label: 'Confirmed' },
  { value: 'refuted', label: 'Refuted' },
] as const satisfies readonly Option[];

export type ProblemStatus = 'active' | 'recurrence' | 'relapse' | 'inactive' | 'remission' | 'resolved';

const PROBLEM_STATUS_LABELS: Record<ProblemStatus, string> = {
  active: 'Active',
  recurrence: 'Recurrence (came back)',
  relapse: 'Relapse (out of remission)',
  inactive: 'Inactive',
  remission: 'In remission',
  resolved: 'Resolved',
};

/**
 * Where a problem's clinical status may go, as the server's lifecycle has it: one that went away and
 * came back is a recurrence (a relapse out of remission), never simply active again.
 */
const PROBLEM_NEXT: Record<ProblemStatus, readonly ProblemStatus[]> = {
  active: ['inactive', 'remission', 'resolved'],
  recurrence: ['inactive', 'remission', 'resolved'],
  relapse: ['inactive', 'remission', 'resolved'],
  inactive: ['recurrence', 'remission', 'resolved'],
  remission: ['relapse', 'inactive', 'resolved'],
  resolved: ['recurrence'],
};

/** The statuses a problem's editor offers: where it is now, then where it may go. */
export function problemStatusOptions(current: string | undefined): Option<string>[] {
  const now = (current ?? 'active') as ProblemStatus;
  const next = PROBLEM_NEXT[now] ?? [];
  return [now, ...next].map((value) => ({ value, label: PROBLEM_STATUS_LABELS[value] ?? value }));
}

/** How the date of a change of status reads: when it resolved, since when inactive, when it came back. */
export function statusDateLabel(to: string): string {
  if (to === 'resolved') return 'Resolved on';
  if (to === 'recurrence' || to === 'relapse') return 'Came back on';
  return 'Since';
}

/** Today as a list date (YYYY-MM-DD), in the person's own time zone. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A FHIR date or dateTime as a date input shows it: the day, or empty when only a year or month is known. */
export function dateInputValue(value: string | undefined): string {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : '';
}
