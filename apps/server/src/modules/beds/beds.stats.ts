import { BED_STATUSES, type BedStatus } from './beds.status';
import type { Occupancy, StatusChange } from './beds.store';

export interface WardNow {
  beds: number;
  free: number;
  occupied: number;
  cleaning: number;
  blocked: number;
  /** Occupied beds out of those not blocked, in percent (one decimal); null when none is available. */
  occupancyPercent: number | null;
}

export interface WardPeriod {
  from: string;
  /** The end asked for, or now when that lies in the future: what has not happened is not counted. */
  to: string;
  /** Beds of the ward at any moment of the period. */
  beds: number;
  /** Bed-hours not blocked (free, occupied or being cleaned). */
  bedHoursAvailable: number;
  bedHoursOccupied: number;
  /** bedHoursOccupied / bedHoursAvailable in percent (one decimal); null when nothing was available. */
  occupancyPercent: number | null;
  admissions: number;
  transfersIn: number;
  transfersOut: number;
  discharges: number;
  /** Discharges per bed over the period. */
  turnover: number | null;
  /** From admission to discharge, for the stays discharged from this ward in the period. */
  averageLengthOfStayHours: number | null;
  /** From entering cleaning to leaving it, for cleanings that ended in the period. */
  averageCleaningMinutes: number | null;
  cleanings: number;
}

const HOUR = 3_600_000;

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null;
}

export function wardNow(statuses: BedStatus[]): WardNow {
  const counts = Object.fromEntries(BED_STATUSES.map((status) => [status, 0])) as Record<BedStatus, number>;
  for (const status of statuses) counts[status] += 1;
  const available = statuses.length - counts.blocked;
  return {
    beds: statuses.length,
    ...counts,
    occupancyPercent: available ? round((counts.occupied / available) * 100, 1) : null,
  };
}

/**
 * Occupancy and turnover of a ward over [from, to), from the status history of its beds. Each change
 * opens an interval lasting until the bed's next change; the interval counts for the ward the change
 * names, so a bed moved to another ward stops counting here.
 */
export function wardPeriod(
  wardId: string,
  from: string,
  to: string,
  changes: StatusChange[],
  discharged: Occupancy[],
): WardPeriod {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const beds = new Set<string>();
  let available = 0;
  let occupied = 0;
  const cleaningTimes: number[] = [];
  const counts = { admit: 0, 'transfer-in': 0, 'transfer-out': 0, discharge: 0 } as Record<string, number>;

  changes.forEach((change, index) => {
    const next = changes[index + 1]?.bedId === change.bedId ? changes[index + 1] : undefined;
    if (change.wardId !== wardId) return;
    const at = Date.parse(change.at);
    const until = next ? Date.parse(next.at) : end;
    const overlap = Math.min(until, end) - Math.max(at, start);
    if (overlap > 0 || (at >= start && at < end)) beds.add(change.bedId);
    if (overlap > 0 && change.to !== 'blocked') available += overlap;
    if (overlap > 0 && change.to === 'occupied') occupied += overlap;
    if (change.to === 'cleaning' && next && until >= start && until < end) cleaningTimes.push(until - at);
    if (at >= start && at < end && change.event in counts) counts[change.event] = (counts[change.event] ?? 0) + 1;
  });

  const discharges = counts.discharge ?? 0;
  const lengthOfStay = mean(discharged.map((stay) => Date.parse(stay.endedAt!) - Date.parse(stay.admittedAt)));
  const cleaning = mean(cleaningTimes);
  return {
    from,
    to,
    beds: beds.size,
    bedHoursAvailable: round(available / HOUR, 2),
    bedHoursOccupied: round(occupied / HOUR, 2),
    occupancyPercent: available ? round((occupied / available) * 100, 1) : null,
    admissions: counts.admit ?? 0,
    transfersIn: counts['transfer-in'] ?? 0,
    transfersOut: counts['transfer-out'] ?? 0,
    discharges,
    turnover: beds.size ? round(discharges / beds.size, 2) : null,
    averageLengthOfStayHours: lengthOfStay === null ? null : round(lengthOfStay / HOUR, 2),
    averageCleaningMinutes: cleaning === null ? null : round(cleaning / 60_000, 1),
    cleanings: cleaningTimes.length,
  };
}
