import { describe, expect, it } from 'vitest';
import {
  addDays,
  buildGrid,
  dayHeading,
  instantOf,
  localParts,
  mondayOf,
  slotLabel,
  todayIn,
  weekDates,
  weekRangeLabel,
  zoneLabel,
} from './calendar-time';

describe('calendar time', () => {
  it('adds calendar days across months, years and daylight-saving changes', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('starts weeks on Monday', () => {
    expect(mondayOf('2026-11-24')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(weekDates('2026-10-28')).toEqual([
      '2026-10-26',
      '2026-10-27',
      '2026-10-28',
      '2026-10-29',
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
  });

  it('reads instants in the schedule time zone, not the browser one', () => {
    expect(localParts('2026-11-24T23:30:00Z', 'Europe/Berlin')).toEqual({ date: '2026-11-25', time: '00:30' });
    expect(localParts('2026-11-24T23:30:00Z', 'America/New_York')).toEqual({ date: '2026-11-24', time: '18:30' });
    expect(todayIn('Pacific/Auckland', new Date('2026-11-24T12:00:00Z'))).toBe('2026-11-25');
    expect(slotLabel('2026-07-01T07:00:00Z', 'Europe/Berlin')).toBe('Wed 1 Jul 09:00');
  });

  it('labels days, weeks and zones', () => {
    expect(dayHeading('2026-11-24')).toBe('Tue 24 Nov');
    expect(weekRangeLabel('2026-11-24')).toBe('23 – 29 Nov 2026');
    expect(weekRangeLabel('2026-12-02')).toBe('30 Nov – 6 Dec 2026');
    expect(weekRangeLabel('2026-12-30')).toBe('28 Dec 2026 – 3 Jan 2027');
    expect(zoneLabel('Europe/Berlin', new Date('2026-11-24T12:00:00Z'))).toBe('Europe/Berlin (GMT+1)');
    expect(zoneLabel('UTC')).toBe('UTC');
  });

  it('lays entries out by local time and day', () => {
    const days = weekDates('2026-11-24');
    const grid = buildGrid(
      days,
      [
        { id: 'b', start: '2026-11-24T09:00:00Z' },
        { id: 'a', start: '2026-11-23T08:00:00Z' },
        { id: 'c', start: '2026-11-25T08:00:00Z' },
        { id: 'outside', start: '2026-12-24T08:00:00Z' },
      ],
      'Europe/Berlin',
    );
    expect(grid.map((row) => row.time)).toEqual(['09:00', '10:00']);
    expect(grid[0]!.cells.map((cell) => cell.map((entry) => entry.id))).toEqual([['a'], [], ['c'], [], [], [], []]);
    expect(grid[1]!.cells[1]!.map((entry) => entry.id)).toEqual(['b']);
  });

  it('turns a local wall-clock time into its instant, across daylight-saving changes', () => {
    const iso = (date: string, time: string, zone: string) => instantOf(date, time, zone).toISOString();
    expect(iso('2026-11-24', '09:30', 'Europe/Berlin')).toBe('2026-11-24T08:30:00.000Z');
    expect(iso('2026-07-01', '09:30', 'Europe/Berlin')).toBe('2026-07-01T07:30:00.000Z');
    expect(iso('2026-11-24', '23:30', 'America/New_York')).toBe('2026-11-25T04:30:00.000Z');
    expect(iso('2026-11-25', '08:00', 'Pacific/Auckland')).toBe('2026-11-24T19:00:00.000Z');
    expect(iso('2026-11-24', '09:30', 'Asia/Kolkata')).toBe('2026-11-24T04:00:00.000Z');
    // Berlin springs forward at 02:00 on 29 March 2026: 02:30 does not exist and reads as 03:30.
    expect(iso('2026-03-29', '01:30', 'Europe/Berlin')).toBe('2026-03-29T00:30:00.000Z');
    expect(iso('2026-03-29', '02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(iso('2026-03-29', '03:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    // It falls back at 03:00 on 25 October 2026: 02:30 happens twice, the first (summer time) is meant.
    expect(iso('2026-10-25', '02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
    expect(iso('2026-10-25', '03:30', 'Europe/Berlin')).toBe('2026-10-25T02:30:00.000Z');
    // New York: 8 March and 1 November 2026.
    expect(iso('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(iso('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney']) {
      for (let day = 0; day < 365; day += 7) {
        const date = addDays('2026-01-01', day);
        expect(localParts(instantOf(date, '10:15', zone), zone)).toEqual({ date, time: '10:15' });
      }
    }
  });
});
