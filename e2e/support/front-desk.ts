import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Helpers shared by the front-desk browser tests (calendar, bed board, waitlist, no-shows). */

/** The time zone of the test schedules: the calendar shows their times in it. */
export const ZONE = 'Europe/Berlin';

/** JSON API calls as a signed-in user (the module APIs, not FHIR). */
export function apiAs(baseUrl: string, token: string) {
  return async <T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
}

export type Api = ReturnType<typeof apiAs>;

/** A practitioner's schedule: every day 08:00-12:00 in `ZONE`, half-hour slots, so any day the test runs has free slots ahead. */
export async function createMorningSchedule(admin: Api, practitionerId: string): Promise<void> {
  await admin('/scheduling/schedules', {
    method: 'POST',
    json: {
      practitioner: practitionerId,
      timeZone: ZONE,
      horizonDays: 21,
      availability: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '12:00', slotMinutes: 30 },
      ],
    },
  });
}

/** The local date of an instant in a zone (as the calendar pages by it). */
export function localDate(at: Date, zone = ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
}

/** Waits for what a person would see: answers go through the server, the audit trail and a refetch. */
export const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 30_000 });

/** Picks an option of a labelled select in `scope` (the page or a dialog); its options open on the page. */
export async function choose(page: Page, scope: Locator | Page, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
