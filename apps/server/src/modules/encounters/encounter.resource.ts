import type {
  CodeableConcept,
  Encounter,
  EncounterParticipant,
  EncounterStatusHistory,
  Extension,
  Reference,
} from '@medplum/fhirtypes';
import { type CreateEncounterInput, ENCOUNTER_CLASSES } from './encounter.schemas';
import type { EncounterStatus } from './encounter.state';

export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const DIAGNOSIS_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/diagnosis-role';
/** On a statusHistory entry: who made the change. */
export const CHANGED_BY_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/status-changed-by';
/** On a statusHistory entry: why (required for entered-in-error). */
export const CHANGE_REASON_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/status-change-reason';

const ROLE_CODES = { attending: 'ATND', participating: 'PART' } as const;
const ROLE_DISPLAY = { ATND: 'attender', PART: 'Participation' } as const;

function participant(role: keyof typeof ROLE_CODES, reference: string): EncounterParticipant {
  const code = ROLE_CODES[role];
  return {
    type: [{ coding: [{ system: PARTICIPATION_TYPE_SYSTEM, code, display: ROLE_DISPLAY[code] }] }],
    individual: { reference },
  };
}

/** Encounter.participant for an attending practitioner and the ones taking part (each listed once). */
export function participantsOf(attending: string | undefined, participating: string[] = []): EncounterParticipant[] {
  const others = [...new Set(participating)].filter((reference) => reference !== attending);
  return [
    ...(attending ? [participant('attending', attending)] : []),
    ...others.map((reference) => participant('participating', reference)),
  ];
}

export function attendingOf(encounter: Encounter): string | undefined {
  return encounter.participant?.find((entry) =>
    entry.type?.some((type) => type.coding?.some((coding) => coding.code === 'ATND')),
  )?.individual?.reference;
}

/** A new, planned Encounter from the task API's input. */
export function newEncounter(input: CreateEncounterInput, at: string, by?: Reference): Encounter {
  const reasons = input.reason === undefined ? [] : Array.isArray(input.reason) ? input.reason : [input.reason];
  const participants = participantsOf(input.attending, input.participants);
  return {
    resourceType: 'Encounter',
    status: 'planned',
    statusHistory: [historyEntry('planned', at, by)],
    class: { system: ACT_CODE_SYSTEM, code: input.class, display: ENCOUNTER_CLASSES[input.class] },
    ...(input.type ? { type: [input.type] } : {}),
    subject: { reference: input.patient },
    ...(participants.length ? { participant: participants } : {}),
    ...(input.appointment ? { appointment: [{ reference: input.appointment }] } : {}),
    ...(reasons.length ? { reasonCode: reasons } : {}),
    ...(input.location ? { location: [{ location: { reference: input.location }, status: 'active' }] } : {}),
  };
}

function historyEntry(status: EncounterStatus, at: string, by?: Reference, reason?: string): EncounterStatusHistory {
  const extension: Extension[] = [
    ...(by ? [{ url: CHANGED_BY_EXTENSION, valueReference: by }] : []),
    ...(reason ? [{ url: CHANGE_REASON_EXTENSION, valueString: reason }] : []),
  ];
  return { ...(extension.length ? { extension } : {}), status, period: { start: at } };
}

/**
 * The Encounter after a (validated) transition: the open statusHistory entry is closed and the new status
 * opened, with who and why; arrival starts the visit's period and finishing ends it.
 */
export function withTransition(
  encounter: Encounter,
  to: EncounterStatus,
  at: string,
  by?: Reference,
  reason?: string,
): Encounter {
  const history = (encounter.statusHistory ?? []).map((entry) =>
    entry.period?.start && !entry.period.end ? { ...entry, period: { ...entry.period, end: at } } : entry,
  );
  history.push(historyEntry(to, at, by, reason));
  const period = { ...(encounter.period ?? {}) };
  if (to === 'arrived' && !period.start) period.start = at;
  if (to === 'finished' || to === 'cancelled') {
    period.start ??= at;
    period.end = at;
  }
  // Locations in use are completed when the visit ends.
  const location =
    to === 'finished' && encounter.location
      ? encounter.location.map((entry) =>
          entry.status === 'active' ? { ...entry, status: 'completed' as const } : entry,
        )
      : encounter.location;
  return {
    ...encounter,
    status: to,
    statusHistory: history,
    ...(Object.keys(period).length ? { period } : {}),
    ...(location ? { location } : {}),
  };
}

export function withDiagnosis(
  encounter: Encounter,
  condition: string,
  use: string | undefined,
  rank: number | undefined,
): Encounter {
  const others = (encounter.diagnosis ?? []).filter((entry) => entry.condition.reference !== condition);
  const useConcept: CodeableConcept | undefined = use
    ? { coding: [{ system: DIAGNOSIS_ROLE_SYSTEM, code: use }] }
    : undefined;
  return {
    ...encounter,
    diagnosis: [
      ...others,
      { condition: { reference: condition }, ...(useConcept ? { use: useConcept } : {}), ...(rank ? { rank } : {}) },
    ],
  };
}

export function withLocation(encounter: Encounter, location: string): Encounter {
  const previous = (encounter.location ?? [])
    .filter((entry) => entry.location.reference !== location)
    .map((entry) => (entry.status === 'active' ? { ...entry, status: 'completed' as const } : entry));
  return { ...encounter, location: [...previous, { location: { reference: location }, status: 'active' }] };
}
