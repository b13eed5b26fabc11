import type { Encounter } from '@medplum/fhirtypes';

/** The statuses of Meridian's visit lifecycle: FHIR R4 Encounter.status codes. */
export const ENCOUNTER_STATUSES = [
  'planned',
  'arrived',
  'triaged',
  'in-progress',
  'finished',
  'cancelled',
  'entered-in-error',
] as const;
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];

/**
 * The visit lifecycle: planned → arrived → triaged → in-progress → finished; cancelled before the visit
 * starts; entered-in-error from anywhere (with a reason). Finished, cancelled and entered-in-error visits
 * move only to entered-in-error (or not at all).
 */
const NEXT: Record<EncounterStatus, readonly EncounterStatus[]> = {
  planned: ['arrived', 'cancelled', 'entered-in-error'],
  arrived: ['triaged', 'cancelled', 'entered-in-error'],
  triaged: ['in-progress', 'cancelled', 'entered-in-error'],
  'in-progress': ['finished', 'entered-in-error'],
  finished: ['entered-in-error'],
  cancelled: ['entered-in-error'],
  'entered-in-error': [],
};

export function isEncounterStatus(value: unknown): value is EncounterStatus {
  return typeof value === 'string' && (ENCOUNTER_STATUSES as readonly string[]).includes(value);
}

export function allowedTransitions(from: string | undefined): readonly EncounterStatus[] {
  return isEncounterStatus(from) ? NEXT[from] : [];
}

export function canTransition(from: string | undefined, to: string): boolean {
  return allowedTransitions(from).includes(to as EncounterStatus);
}

/** Transitions that need a reason said out loud. */
export function transitionNeedsReason(to: EncounterStatus): boolean {
  return to === 'entered-in-error';
}

/**
 * Whether a stored Encounter may change from `before` to `after` status. FHIR's other statuses (`onleave`,
 * `unknown`, which imported records may carry) are left free, except that a visit in progress is the only
 * one that may go on leave, so a closed visit cannot be reopened through them.
 */
export function statusChangeAllowed(before: Encounter['status'], after: Encounter['status']): boolean {
  if (before === after) return true;
  if (!isEncounterStatus(before)) return true;
  if (!isEncounterStatus(after)) return before === 'in-progress';
  return canTransition(before, after);
}
