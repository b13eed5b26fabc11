import type { Appointment } from '@medplum/fhirtypes';

export function refId(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}

/** The Patient an Appointment is for (its first Patient participant). */
export function patientOf(appointment: Appointment): string | undefined {
  for (const participant of appointment.participant ?? []) {
    const id = refId(participant.actor?.reference, 'Patient');
    if (id) return id;
  }
  return undefined;
}

/** The first participant of `type` (Practitioner, Location, Device). */
export function actorOf(appointment: Appointment, type: string): string | undefined {
  for (const participant of appointment.participant ?? []) {
    const id = refId(participant.actor?.reference, type);
    if (id) return id;
  }
  return undefined;
}
