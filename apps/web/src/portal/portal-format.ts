import type { Appointment, MedicationRequest, Observation, Practitioner } from '@medplum/fhirtypes';
import { isApiError } from '../api/api-error';

/** Words a patient understands for an observation's flag (HL7 v3 ObservationInterpretation codes). */
const FLAG_WORDS: Record<string, { label: string; explanation: string; tone: 'normal' | 'attention' | 'urgent' }> = {
  N: { label: 'Normal', explanation: 'Within the usual range.', tone: 'normal' },
  H: { label: 'High', explanation: 'Higher than the usual range.', tone: 'attention' },
  L: { label: 'Low', explanation: 'Lower than the usual range.', tone: 'attention' },
  HH: {
    label: 'Very high',
    explanation: 'Much higher than the usual range. Your clinic has been told and will contact you.',
    tone: 'urgent',
  },
  LL: {
    label: 'Very low',
    explanation: 'Much lower than the usual range. Your clinic has been told and will contact you.',
    tone: 'urgent',
  },
  A: { label: 'Outside the usual range', explanation: 'Not within the usual range.', tone: 'attention' },
  AA: {
    label: 'Far outside the usual range',
    explanation: 'Far from the usual range. Your clinic has been told and will contact you.',
    tone: 'urgent',
  },
  POS: { label: 'Positive', explanation: 'The test found what it looks for.', tone: 'attention' },
  NEG: { label: 'Negative', explanation: 'The test did not find what it looks for.', tone: 'normal' },
  DET: { label: 'Detected', explanation: 'The test found what it looks for.', tone: 'attention' },
  ND: { label: 'Not detected', explanation: 'The test did not find what it looks for.', tone: 'normal' },
};

export interface FlagExplanation {
  code: string;
  label: string;
  explanation: string;
  tone: 'normal' | 'attention' | 'urgent';
}

/** The flag of an observation in plain words: its interpretation, else the value against its range. */
export function explainFlag(observation: Observation): FlagExplanation | undefined {
  const code = observation.interpretation?.[0]?.coding?.find((coding) => coding.code)?.code?.toUpperCase();
  if (code && FLAG_WORDS[code]) return { code, ...FLAG_WORDS[code] };
  const value = observation.valueQuantity?.value;
  const range = observation.referenceRange?.[0];
  if (value === undefined || !range) return undefined;
  if (range.low?.value !== undefined && value < range.low.value) return { code: 'L', ...FLAG_WORDS.L! };
  if (range.high?.value !== undefined && value > range.high.value) return { code: 'H', ...FLAG_WORDS.H! };
  if (range.low?.value !== undefined || range.high?.value !== undefined) return { code: 'N', ...FLAG_WORDS.N! };
  return undefined;
}

export function observationName(observation: Observation): string {
  return (
    observation.code?.text ?? observation.code?.coding?.[0]?.display ?? observation.code?.coding?.[0]?.code ?? 'Result'
  );
}

export function observationValue(observation: Observation): string {
  const quantity = observation.valueQuantity;
  if (quantity?.value !== undefined) return `${quantity.value} ${quantity.unit ?? quantity.code ?? ''}`.trim();
  if (observation.valueString) return observation.valueString;
  const concept = observation.valueCodeableConcept;
  if (concept) return concept.text ?? concept.coding?.[0]?.display ?? concept.coding?.[0]?.code ?? '';
  if (observation.valueBoolean !== undefined) return observation.valueBoolean ? 'Yes' : 'No';
  if (observation.valueInteger !== undefined) return String(observation.valueInteger);
  return '—';
}

/** "3.5–5.1 mmol/L", "under 200 mg/dL", or the range's text. */
export function usualRange(observation: Observation): string | undefined {
  const range = observation.referenceRange?.[0];
  if (!range) return undefined;
  if (range.text) return range.text;
  const unit = range.low?.unit ?? range.high?.unit ?? observation.valueQuantity?.unit ?? '';
  const low = range.low?.value;
  const high = range.high?.value;
  if (low !== undefined && high !== undefined) return `${low}–${high} ${unit}`.trim();
  if (high !== undefined) return `under ${high} ${unit}`.trim();
  if (low !== undefined) return `over ${low} ${unit}`.trim();
  return undefined;
}

export function practitionerName(practitioner: Practitioner | undefined): string {
  const name = practitioner?.name?.[0];
  if (!name) return 'a clinician';
  return (
    name.text ??
    ([...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ') || 'a clinician')
  );
}

/** The practitioner an appointment is with (id), if any. */
export function practitionerOf(appointment: Appointment): string | undefined {
  for (const participant of appointment.participant ?? []) {
    const reference = participant.actor?.reference;
    if (reference?.startsWith('Practitioner/')) return reference.slice('Practitioner/'.length);
  }
  return undefined;
}

export function visitTypeName(appointment: Appointment): string | undefined {
  const coding = appointment.appointmentType?.coding?.[0];
  return appointment.appointmentType?.text ?? coding?.display ?? coding?.code ?? appointment.serviceType?.[0]?.text;
}

/** "Tuesday 1 December 2026, 09:30" in the reader's own time zone. */
export function formatWhen(instant: string | undefined, timeZone?: string): string {
  if (!instant) return 'Time to be confirmed';
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(instant));
}

export function formatTime(instant: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(instant));
}

/** Slots grouped by local day ("Tuesday 1 December"), in order. */
export function slotsByDay<T extends { start: string }>(
  slots: readonly T[],
  timeZone?: string,
): { day: string; slots: T[] }[] {
  const format = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(timeZone ? { timeZone } : {}),
  });
  const groups = new Map<string, T[]>();
  for (const slot of [...slots].sort((a, b) => a.start.localeCompare(b.start))) {
    const day = format.format(new Date(slot.start));
    groups.set(day, [...(groups.get(day) ?? []), slot]);
  }
  return [...groups].map(([day, list]) => ({ day, slots: list }));
}

/** The clinic's rules in a sentence. */
export function describeRules(rules: {
  maxDaysAhead: number;
  minNoticeHours: number;
  cancelCutoffHours: number;
}): string {
  const hours = (n: number) => `${n} hour${n === 1 ? '' : 's'}`;
  return (
    `You can book from ${hours(rules.minNoticeHours)} to ${rules.maxDaysAhead} days ahead, ` +
    `and change or cancel up to ${hours(rules.cancelCutoffHours)} before the appointment.`
  );
}

/** Whether the clinic's cut-off still lets the patient change an appointment. */
export function canStillChange(appointment: Appointment, cancelCutoffHours: number, now: Date): boolean {
  if (!appointment.start || !['booked', 'pending', 'proposed'].includes(appointment.status)) return false;
  return new Date(appointment.start).getTime() - now.getTime() > cancelCutoffHours * 3_600_000;
}

/** The server's refusal in words for a patient: a rule's message without the field name in front. */
export function refusalMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 409) return 'That time was just taken by someone else. Please choose another.';
    return error.message.replace(/^[a-zA-Z.]+: /, '').replace(/^./, (first) => first.toUpperCase());
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function medicationName(request: MedicationRequest): string {
  const concept = request.medicationCodeableConcept;
  return (
    concept?.text ??
    concept?.coding?.[0]?.display ??
    request.medicationReference?.display ??
    concept?.coding?.[0]?.code ??
    'Medication'
  );
}

export function dosageText(request: MedicationRequest): string | undefined {
  const dosage = request.dosageInstruction?.[0];
  if (!dosage) return undefined;
  if (dosage.patientInstruction) return dosage.patientInstruction;
  return dosage.text;
}
