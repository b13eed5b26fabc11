import { describe, expect, it } from 'vitest';
import {
  addDays,
  buildGrid,
  dayHeading,
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
});
