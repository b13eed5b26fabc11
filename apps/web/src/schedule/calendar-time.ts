/**
 * Calendar arithmetic in a schedule's own IANA time zone, with the browser's Intl only. Local dates are
 * `YYYY-MM-DD` strings: days are added on the calendar, never as 24-hour steps, so a week that crosses a
 * daylight-saving change still has seven days.
 */

export type LocalDate = string;

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function utcOf(date: LocalDate): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day));
}

function isoOf(date: Date): LocalDate {
  return date.toISOString().slice(0, 10);
}

export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(utcOf(value).getTime());
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const next = utcOf(date);
  next.setUTCDate(next.getUTCDate() + days);
  return isoOf(next);
}

/** The Monday of the week `date` lies in (weeks start on Monday, as the server's week view does). */
export function mondayOf(date: LocalDate): LocalDate {
  const weekday = utcOf(date).getUTCDay();
  return addDays(date, weekday === 0 ? -6 : 1 - weekday);
}

export function weekDates(date: LocalDate): LocalDate[] {
  const monday = mondayOf(date);
  return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsFormats.set(timeZone, format);
  }
  return format;
}

/** The local date and 24-hour time of an instant in `timeZone`. */
export function localParts(instant: string | Date, timeZone: string): { date: LocalDate; time: string } {
  const parts = Object.fromEntries(
    partsFormat(timeZone)
      .formatToParts(typeof instant === 'string' ? new Date(instant) : instant)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

export function todayIn(timeZone: string, now: Date = new Date()): LocalDate {
  return localParts(now, timeZone).date;
}

/** "Tue 24 Nov" */
export function dayHeading(date: LocalDate): string {
  const day = utcOf(date);
  return `${DAY_NAMES[day.getUTCDay()]} ${day.getUTCDate()} ${MONTH_NAMES[day.getUTCMonth()]}`;
}

/** "Tue 24 Nov 2026" */
export function longDay(date: LocalDate): string {
  return `${dayHeading(date)} ${date.slice(0, 4)}`;
}

/** "23 – 29 Nov 2026", or across months "30 Nov – 6 Dec 2026". */
export function weekRangeLabel(date: LocalDate): string {
  const days = weekDates(date);
  const first = utcOf(days[0]!);
  const last = utcOf(days[6]!);
  const firstLabel =
    first.getUTCMonth() === last.getUTCMonth()
      ? `${first.getUTCDate()}`
      : `${first.getUTCDate()} ${MONTH_NAMES[first.getUTCMonth()]}${
          first.getUTCFullYear() === last.getUTCFullYear() ? '' : ` ${first.getUTCFullYear()}`
        }`;
  return `${firstLabel} – ${last.getUTCDate()} ${MONTH_NAMES[last.getUTCMonth()]} ${last.getUTCFullYear()}`;
}

/** The zone with its offset at `at`: "Europe/Berlin (GMT+1)". */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const offset = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  return offset && offset !== timeZone && timeZone !== 'UTC' ? `${timeZone} (${offset})` : timeZone;
}

/** "Tue 24 Nov 09:30" in the zone. */
export function slotLabel(instant: string, timeZone: string): string {
  const { date, time } = localParts(instant, timeZone);
  return `${dayHeading(date)} ${time}`;
}

export interface GridRow<T> {
  time: string;
  /** One list per day, in the order of the days given. */
  cells: T[][];
}

/** Entries by local start time (rows) and local date (columns); entries outside the days are left out. */
export function buildGrid<T extends { start: string }>(
  days: LocalDate[],
  entries: T[],
  timeZone: string,
): GridRow<T>[] {
  const rows = new Map<string, T[][]>();
  const sorted = [...entries].sort((a, b) => a.start.localeCompare(b.start));
  for (const entry of sorted) {
    const { date, time } = localParts(entry.start, timeZone);
    const column = days.indexOf(date);
    if (column < 0) continue;
    let cells = rows.get(time);
    if (!cells) {
      cells = days.map(() => []);
      rows.set(time, cells);
    }
    cells[column]!.push(entry);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([time, cells]) => ({ time, cells }));
}

/**
 * The instant of a local wall-clock time in `timeZone` (`2026-11-24`, `09:30`). A time the clock skips
 * (spring forward) comes out an hour later, as a clock on the wall would show it after the change; a time
 * it passes twice (fall back) is the first of the two.
 */
export function instantOf(date: LocalDate, time: string, timeZone: string): Date {
  const wall = instantAsUtc(date, time);
  // The zone's offset at an instant: its wall clock there, read as if it were UTC, minus the instant.
  const offsetAt = (instant: number) => {
    const parts = localParts(new Date(instant), timeZone);
    return instantAsUtc(parts.date, parts.time) - instant;
  };
  // Offsets change at most once a day around here: the one before and the one after cover every case.
  const before = offsetAt(wall - 86_400_000);
  const after = offsetAt(wall + 86_400_000);
  const readsBack = (instant: number) => offsetAt(instant) === wall - instant;
  const matches = [wall - before, wall - after].filter(readsBack).sort((a, b) => a - b);
  return new Date(matches[0] ?? wall - before);
}

function instantAsUtc(date: LocalDate, time: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return Date.UTC(year, month - 1, day, hour, minute);
}
