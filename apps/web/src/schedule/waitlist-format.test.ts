import { describe, expect, it } from 'vitest';
import {
  defaultWindow,
  expiresIn,
  instantOfInput,
  localInputValue,
  spanLabel,
  waitedFor,
  windowLabel,
} from './waitlist-format';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('waitlist labels', () => {
  it('says how long in the largest unit that reads naturally', () => {
    expect(spanLabel(20_000)).toBe('less than a minute');
    expect(spanLabel(MINUTE)).toBe('1 minute');
    expect(spanLabel(59 * MINUTE)).toBe('59 minutes');
    expect(spanLabel(HOUR)).toBe('1 hour');
    expect(spanLabel(47 * HOUR + 59 * MINUTE)).toBe('47 hours');
    expect(spanLabel(2 * DAY)).toBe('2 days');
    expect(spanLabel(13 * DAY)).toBe('13 days');
    expect(spanLabel(14 * DAY)).toBe('2 weeks');
    expect(spanLabel(60 * DAY)).toBe('8 weeks');
  });

  it('counts waiting from when the patient was added, never below zero', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(waitedFor('2026-11-21T09:00:00Z', now)).toBe('3 days');
    expect(waitedFor('2026-11-24T07:30:00Z', now)).toBe('2 hours');
    // A server clock a little ahead of the browser's.
    expect(waitedFor('2026-11-24T10:00:05Z', now)).toBe('less than a minute');
  });

  it('says when an offer ends, or that it has', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(expiresIn('2026-11-25T09:30:00Z', now)).toBe('in 23 hours');
    expect(expiresIn('2026-11-24T10:45:00Z', now)).toBe('in 45 minutes');
    expect(expiresIn('2026-11-24T10:00:00Z', now)).toBe('expired');
    expect(expiresIn('2026-11-24T09:00:00Z', now)).toBe('expired');
  });

  it('shows a window in the schedule zone', () => {
    expect(windowLabel('2026-11-24T08:00:00Z', '2026-12-08T17:00:00Z', 'Europe/Berlin')).toBe(
      'Tue 24 Nov 09:00 – Tue 8 Dec 18:00',
    );
  });
});

describe('the window inputs', () => {
  it('reads and writes datetime-local values in the schedule zone', () => {
    expect(localInputValue('2026-11-24T08:30:00Z', 'Europe/Berlin')).toBe('2026-11-24T09:30');
    expect(instantOfInput('2026-11-24T09:30', 'Europe/Berlin')?.toISOString()).toBe('2026-11-24T08:30:00.000Z');
    expect(instantOfInput('2026-11-24T09:30', 'America/New_York')?.toISOString()).toBe('2026-11-24T14:30:00.000Z');
    expect(instantOfInput('', 'Europe/Berlin')).toBeUndefined();
    expect(instantOfInput('2026-11-24', 'Europe/Berlin')).toBeUndefined();
  });

  it('starts a new entry from the next full hour to 18:00 two weeks on', () => {
    expect(defaultWindow(new Date('2026-11-24T08:20:00Z'), 'Europe/Berlin')).toEqual({
      earliest: '2026-11-24T10:00',
      latest: '2026-12-08T18:00',
    });
    // Late in the evening in Berlin is already tomorrow there.
    expect(defaultWindow(new Date('2026-11-24T23:10:00Z'), 'Europe/Berlin')).toEqual({
      earliest: '2026-11-25T01:00',
      latest: '2026-12-09T18:00',
    });
  });
});
