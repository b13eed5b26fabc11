import type { Encounter, EncounterLocation, Location, Reference } from '@medplum/fhirtypes';
import { type LocationLevel, operationalStatusOf, PHYSICAL_TYPE_SYSTEM, PHYSICAL_TYPES } from './beds.status';

export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
/** On an Encounter's statusHistory entry: who made the change (as the encounters module writes it). */
const CHANGED_BY_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/status-changed-by';

/** A ward, room or bed Location: physicalType says which, partOf the level above; beds start free. */
export function newLocation(level: LocationLevel, name: string, partOf?: string, description?: string): Location {
  return {
    resourceType: 'Location',
    status: 'active',
    name,
    ...(description ? { description } : {}),
    mode: 'instance',
    physicalType: { coding: [{ system: PHYSICAL_TYPE_SYSTEM, ...PHYSICAL_TYPES[level] }] },
    ...(level === 'bed' ? { operationalStatus: operationalStatusOf('free') } : {}),
    ...(partOf ? { partOf: { reference: partOf } } : {}),
  };
}

function bedEntry(bedId: string, at: string): EncounterLocation {
  return {
    location: { reference: `Location/${bedId}` },
    status: 'active',
    physicalType: { coding: [{ system: PHYSICAL_TYPE_SYSTEM, ...PHYSICAL_TYPES.bed }] },
    period: { start: at },
  };
}

/** An inpatient stay that starts now in a bed: class IMP, in progress. */
export function newInpatientEncounter(patient: string, bedId: string, at: string, by?: Reference): Encounter {
  return {
    resourceType: 'Encounter',
    status: 'in-progress',
    statusHistory: [
      {
        ...(by ? { extension: [{ url: CHANGED_BY_EXTENSION, valueReference: by }] } : {}),
        status: 'in-progress',
        period: { start: at },
      },
    ],
    class: { system: ACT_CODE_SYSTEM, code: 'IMP', display: 'inpatient encounter' },
    subject: { reference: patient },
    period: { start: at },
    location: [bedEntry(bedId, at)],
  };
}

/** Locations in use are completed at `at`; `bedId` (when given) becomes the active one. */
export function withBed(encounter: Encounter, bedId: string | undefined, at: string): Encounter {
  const earlier = (encounter.location ?? []).map((entry) =>
    entry.status === 'active' || entry.status === 'planned'
      ? { ...entry, status: 'completed' as const, period: { ...(entry.period ?? {}), end: at } }
      : entry,
  );
  return { ...encounter, location: bedId ? [...earlier, bedEntry(bedId, at)] : earlier };
}

/** An existing visit admitted: it becomes an inpatient stay (v3 ActCode IMP) in the bed. */
export function admitted(encounter: Encounter, bedId: string, at: string): Encounter {
  return {
    ...withBed(encounter, bedId, at),
    class: { system: ACT_CODE_SYSTEM, code: 'IMP', display: 'inpatient encounter' },
  };
}
