import type { Coding, Location } from '@medplum/fhirtypes';

/** HL7 v2 table 0116 (Bed Status), the binding of Location.operationalStatus. */
export const BED_STATUS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0116';
/** Location.physicalType codes (location-physical-type). */
export const PHYSICAL_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/location-physical-type';
/** On a bed Location: why it is blocked (free text for staff, never sent in events). */
export const BED_STATUS_REASON_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/bed-status-reason';

export const BED_STATUSES = ['free', 'occupied', 'cleaning', 'blocked'] as const;
export type BedStatus = (typeof BED_STATUSES)[number];

/**
 * What Meridian writes for each board status. Reading is wider (`statusOfCode`): K contaminated reads as
 * cleaning (the bed must be cleaned before use), I isolated as blocked (not available for a new patient).
 */
const CODE_OF: Record<BedStatus, { code: string; display: string }> = {
  free: { code: 'U', display: 'Unoccupied' },
  occupied: { code: 'O', display: 'Occupied' },
  cleaning: { code: 'H', display: 'Housekeeping' },
  blocked: { code: 'C', display: 'Closed' },
};

const STATUS_OF_CODE: Record<string, BedStatus> = {
  U: 'free',
  O: 'occupied',
  H: 'cleaning',
  K: 'cleaning',
  C: 'blocked',
  I: 'blocked',
};

export const PHYSICAL_TYPES = {
  ward: { code: 'wa', display: 'Ward' },
  room: { code: 'ro', display: 'Room' },
  bed: { code: 'bd', display: 'Bed' },
} as const;
export type LocationLevel = keyof typeof PHYSICAL_TYPES;

export function operationalStatusOf(status: BedStatus): Coding {
  return { system: BED_STATUS_SYSTEM, ...CODE_OF[status] };
}

/** The board status of a bed Location; no operationalStatus (a bed written through FHIR) reads as free. */
export function bedStatusOf(location: Location): BedStatus {
  const coding = location.operationalStatus;
  if (!coding?.code) return 'free';
  if (coding.system && coding.system !== BED_STATUS_SYSTEM) return 'free';
  return STATUS_OF_CODE[coding.code] ?? 'free';
}

export function levelOf(location: Location): LocationLevel | undefined {
  const codes = location.physicalType?.coding?.map((coding) => coding.code) ?? [];
  if (codes.includes('bd')) return 'bed';
  if (codes.includes('ro')) return 'room';
  if (codes.includes('wa')) return 'ward';
  return undefined;
}

export function reasonOf(location: Location): string | undefined {
  return location.extension?.find((extension) => extension.url === BED_STATUS_REASON_EXTENSION)?.valueString;
}

/** The bed Location with a new status (and the blocking reason, kept only while blocked). */
export function withBedStatus(location: Location, status: BedStatus, reason?: string): Location {
  const extension = (location.extension ?? []).filter((entry) => entry.url !== BED_STATUS_REASON_EXTENSION);
  if (status === 'blocked' && reason) extension.push({ url: BED_STATUS_REASON_EXTENSION, valueString: reason });
  const { extension: _old, ...rest } = location;
  return {
    ...rest,
    ...(extension.length ? { extension } : {}),
    operationalStatus: operationalStatusOf(status),
  };
}

/** The moves of the board, as the status a bed must have before each. */
export const MOVE_FROM: Record<'admit' | 'clean' | 'block' | 'unblock', readonly BedStatus[]> = {
  admit: ['free'],
  clean: ['cleaning'],
  block: ['free', 'cleaning'],
  unblock: ['blocked'],
};

export function idOf(reference: string | undefined): string | undefined {
  return reference?.split('/')[1];
}
