import { addDays, instantOf, type LocalDate, localParts, slotLabel } from './calendar-time';

/** How the front desk reads durations and windows on the waitlist. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** A span in the largest unit that reads naturally: "12 minutes", "5 hours", "3 days", "6 weeks". */
export function spanLabel(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  if (ms < HOUR) return plural(Math.floor(ms / MINUTE), 'minute');
  if (ms < 2 * DAY) return plural(Math.floor(ms / HOUR), 'hour');
  if (ms < 14 * DAY) return plural(Math.floor(ms / DAY), 'day');
  return plural(Math.floor(ms / (7 * DAY)), 'week');
}

/** How long a patient has been waiting since `since`. */
export function waitedFor(since: string, now: Date): string {
  return spanLabel(Math.max(0, now.getTime() - Date.parse(since)));
}

/** When an offer runs out: "in 23 hours", or "expired". */
export function expiresIn(expiresAt: string, now: Date): string {
  const left = Date.parse(expiresAt) - now.getTime();
  return left <= 0 ? 'expired' : `in ${spanLabel(left)}`;
}

/** "Tue 24 Nov 09:00 – Tue 8 Dec 18:00" in the zone. */
export function windowLabel(earliest: string, latest: string, timeZone: string): string {
  return `${slotLabel(earliest, timeZone)} – ${slotLabel(latest, timeZone)}`;
}

/** A `datetime-local` input's value (`2026-11-24T09:30`) of an instant in the zone. */
export function localInputValue(instant: Date | string, timeZone: string): string {
  const { date, time } = localParts(instant, timeZone);
  return `${date}T${time}`;
}

/** The instant of a `datetime-local` value in the zone, or undefined when it is not a complete value. */
export function instantOfInput(value: string, timeZone: string): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(value);
  if (!match) return undefined;
  const instant = instantOf(match[1]!, match[2]!, timeZone);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/**
 * The window a new waitlist entry starts with: from the next full hour to the end of the working day two
 * weeks on (18:00), in the zone. The person narrows it to what the patient asked for.
 */
export function defaultWindow(now: Date, timeZone: string): { earliest: string; latest: string } {
  const nextHour = new Date(Math.ceil(now.getTime() / HOUR) * HOUR);
  const { date, time } = localParts(nextHour, timeZone);
  const last: LocalDate = addDays(localParts(now, timeZone).date, 14);
  return { earliest: `${date}T${time}`, latest: `${last}T18:00` };
}
