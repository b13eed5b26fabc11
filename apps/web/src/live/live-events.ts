import type { QueryKey } from '@tanstack/react-query';

/** One message of the server's `/live` websocket: ids and types only, never patient data. */
export interface LiveEvent {
  id?: string;
  type: string;
  occurredAt?: string;
  aggregate?: { type: string; id: string };
}

/** The waitlist's query keys (`schedule/useWaitlist.ts`); offers by prefix, whatever their filter. */
export const WAITLIST_KEY: QueryKey = ['scheduling', 'waitlist'];
export const OFFERS_KEY: QueryKey = ['scheduling', 'offers'];

/**
 * Which cached queries an event makes stale, by query-key prefix. Screens agree on these prefixes:
 * `['scheduling', …]` the calendar, `['portal', …]` the patient portal, `['fhir', <type>, …]` FHIR reads
 * and searches (the chart), `['inbox']`/`['results']`/`['orders']` the result inbox, `['beds']` the board,
 * `['notifications']` the bell (critical results and appointment messages arrive there), `['billing']` the
 * billing desk and `['portal', 'invoices']` the portal's invoices (issued invoices, payments). Waitlist
 * events refresh only the front desk's waitlist and open offers (`schedule/useWaitlist.ts`), not the calendar:
 * an offer accepted books an appointment, and that booking's own event refreshes the calendar.
 */
const AFFECTS: [RegExp, QueryKey[]][] = [
  [
    /^appointment\./,
    [['scheduling'], ['portal', 'appointments'], ['fhir', 'Appointment'], ['fhir', 'Encounter'], ['notifications']],
  ],
  [
    /^result\./,
    [
      ['inbox'],
      ['results'],
      ['orders'],
      ['fhir', 'DiagnosticReport'],
      ['fhir', 'Observation'],
      ['portal', 'results'],
      ['notifications'],
    ],
  ],
  [/^order\./, [['inbox'], ['orders'], ['fhir', 'ServiceRequest']]],
  [/^bed\./, [['beds'], ['fhir', 'Encounter'], ['fhir', 'Location']]],
  [/^encounter\./, [['fhir', 'Encounter'], ['encounters'], ['beds'], ['scheduling']]],
  [/^(invoice|payment)\./, [['billing'], ['portal', 'invoices'], ['fhir', 'Invoice']]],
  [/^waitlist\./, [WAITLIST_KEY, OFFERS_KEY]],
];

/** The query-key prefixes to invalidate for an event (none for types the app does not show). */
export function queryKeysFor(eventType: string): QueryKey[] {
  return AFFECTS.filter(([pattern]) => pattern.test(eventType)).flatMap(([, keys]) => keys);
}

/** A websocket message as an event, or undefined for anything else (hello, pings, garbage). */
export function parseLiveMessage(data: unknown): LiveEvent | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const message = JSON.parse(data) as Partial<LiveEvent>;
    if (typeof message.type !== 'string' || message.type === 'hello' || !message.type.includes('.')) return undefined;
    return message as LiveEvent;
  } catch {
    return undefined;
  }
}

/** Wait before the n-th reconnection attempt (0-based): 1 s doubling to 30 s, with up to 20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (1 - 0.2 * random()));
}

/** The websocket address of `/live` on the page's own origin. */
export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`;
}
