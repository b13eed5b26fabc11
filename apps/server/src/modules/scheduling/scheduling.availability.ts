import { DateTime, IANAZone, Interval } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A recurring weekly window of availability, in the schedule's local time. */
export interface AvailabilityRule {
  days: Weekday[];
  /** Local wall-clock time `HH:mm`. */
  start: string;
  /** Local wall-clock time `HH:mm`, after `start` (no window crosses midnight). */
  end: string;
  slotMinutes: number;
  /** Visit type ids bookable in this window; empty or absent: any the schedule offers. */
  visitTypes?: string[] | undefined;
  /** Local dates `YYYY-MM-DD` (inclusive) limiting when the rule applies. */
  validFrom?: string | undefined;
  validTo?: string | undefined;
}

/** Time taken out of availability (a holiday, leave): local dates (whole days, inclusive) or local date-times. */
export interface AvailabilityException {
  from: string;
  to: string;
  reason: string;
}

export interface GeneratedSlot {
  start: Date;
  end: Date;
  visitTypes: string[];
}

export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function clock(value: string): { hour: number; minute: number } {
  const [hour, minute] = value.split(':').map(Number) as [number, number];
  return { hour, minute };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** An exception as an interval of real instants: whole local days, or local date-times, in `zone`. */
export function exceptionInterval(exception: AvailabilityException, zone: string): Interval {
  const from = DateTime.fromISO(exception.from, { zone });
  const to = DATE_ONLY.test(exception.to)
    ? DateTime.fromISO(exception.to, { zone }).plus({ days: 1 }).startOf('day')
    : DateTime.fromISO(exception.to, { zone });
  return Interval.fromDateTimes(DATE_ONLY.test(exception.from) ? from.startOf('day') : from, to);
}

/**
 * The slots of a weekly availability between two instants. Each window is laid out in the schedule's
 * IANA time zone on each local day, so 09:00–17:00 stays 09:00–17:00 on the wall clock across a
 * daylight-saving change and its UTC instants move instead. A wall-clock time that does not exist on a
 * spring-forward day is moved forward by luxon; slot lengths are real minutes.
 */
export function generateSlots(input: {
  timeZone: string;
  availability: AvailabilityRule[];
  exceptions: AvailabilityException[];
  from: Date;
  to: Date;
}): GeneratedSlot[] {
  const zone = input.timeZone;
  const from = DateTime.fromJSDate(input.from, { zone });
  const to = DateTime.fromJSDate(input.to, { zone });
  const blocked = input.exceptions.map((exception) => exceptionInterval(exception, zone)).filter((i) => i.isValid);
  const slots: GeneratedSlot[] = [];
  for (let day = from.startOf('day'); day < to; day = day.plus({ days: 1 }).startOf('day')) {
    const weekday = WEEKDAYS[day.weekday - 1]!;
    const date = day.toISODate()!;
    for (const rule of input.availability) {
      if (!rule.days.includes(weekday)) continue;
      if (rule.validFrom && date < rule.validFrom) continue;
      if (rule.validTo && date > rule.validTo) continue;
      const windowEnd = day.set({ ...clock(rule.end), second: 0, millisecond: 0 });
      let start = day.set({ ...clock(rule.start), second: 0, millisecond: 0 });
      while (true) {
        const end = start.plus({ minutes: rule.slotMinutes });
        if (end > windowEnd) break;
        if (
          start >= from &&
          start < to &&
          !blocked.some((interval) => interval.overlaps(Interval.fromDateTimes(start, end)))
        ) {
          slots.push({ start: start.toJSDate(), end: end.toJSDate(), visitTypes: rule.visitTypes ?? [] });
        }
        start = end;
      }
    }
  }
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** The instant a local date (`YYYY-MM-DD`) starts in `zone`. */
export function startOfLocalDay(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).startOf('day').toJSDate();
}
