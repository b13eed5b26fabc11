import type { BedStatus, BoardWard, WardNow } from './beds-api';

/** Status colour and the word beside it: colour is never the only signal. */
export const BED_STATUS: Record<BedStatus, { label: string; color: string }> = {
  free: { label: 'Free', color: 'green' },
  occupied: { label: 'Occupied', color: 'blue' },
  cleaning: { label: 'Cleaning', color: 'yellow' },
  blocked: { label: 'Blocked', color: 'gray' },
};

export interface BedPlace {
  id: string;
  /** "Bed 2, Room 1, Ward A" */
  label: string;
  status: BedStatus;
}

/** Every bed with where it is, in board order. */
export function bedPlaces(wards: BoardWard[]): BedPlace[] {
  return wards.flatMap((ward) =>
    ward.rooms.flatMap((room) =>
      room.beds.map((bed) => ({
        id: bed.id,
        label: `Bed ${bed.name ?? '?'}, ${room.name ?? 'room'}, ${ward.name ?? 'ward'}`,
        status: bed.status,
      })),
    ),
  );
}

export function freeBeds(wards: BoardWard[]): BedPlace[] {
  return bedPlaces(wards).filter((bed) => bed.status === 'free');
}

/** "3 of 8 beds occupied (42.9 %)": occupancy counts beds that are not blocked. */
export function occupancySummary(now: WardNow): string {
  const available = now.beds - now.blocked;
  const percent = now.occupancyPercent === null ? '' : ` (${now.occupancyPercent} %)`;
  return `${now.occupied} of ${available} available beds occupied${percent}`;
}

/** How long ago, roughly: "since 14:05" today, else "since 23 Nov". */
export function sinceLabel(since: string | null, now: Date = new Date()): string | undefined {
  if (!since) return undefined;
  const at = new Date(since);
  if (Number.isNaN(at.getTime())) return undefined;
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay
    ? `since ${at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`
    : `since ${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })}`;
}
