import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { generateSlots } from './scheduling.availability';

const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, slotMinutes: 60 };
const nineToFive = [{ ...weekdays, days: [...weekdays.days], start: '09:00', end: '17:00' }];

function week(zone: string, from: string) {
  return generateSlots({
    timeZone: zone,
    availability: nineToFive,
    exceptions: [],
    from: new Date(from),
    to: new Date(new Date(from).getTime() + 7 * 86_400_000),
  });
}

/** First and last local hour of each local day's slots, and the UTC hour of the first. */
function byDay(slots: { start: Date; end: Date }[], zone: string) {
  const days = new Map<string, { first: string; last: string; utc: number }>();
  for (const slot of slots) {
    const local = DateTime.fromJSDate(slot.start, { zone });
    const key = local.toISODate()!;
    const end = DateTime.fromJSDate(slot.end, { zone }).toFormat('HH:mm');
    const day = days.get(key);
    if (!day) days.set(key, { first: local.toFormat('HH:mm'), last: end, utc: slot.start.getUTCHours() });
    else day.last = end;
  }
  return days;
}

describe('weekly availability across daylight-saving changes', () => {
  it('Europe/Berlin spring forward (2027-03-28): 09:00–17:00 local every day, 08:00 UTC before and 07:00 UTC after', () => {
    const days = byDay(week('Europe/Berlin', '2027-03-25T00:00:00Z'), 'Europe/Berlin');
    expect(days.get('2027-03-27')).toEqual({ first: '09:00', last: '17:00', utc: 8 });
    expect(days.get('2027-03-28')).toEqual({ first: '09:00', last: '17:00', utc: 7 });
    expect(days.get('2027-03-29')).toEqual({ first: '09:00', last: '17:00', utc: 7 });
  });

  it('Europe/Berlin fall back (2027-10-31): 07:00 UTC before, 08:00 UTC after; eight one-hour slots a day', () => {
    const slots = week('Europe/Berlin', '2027-10-28T00:00:00Z');
    const days = byDay(slots, 'Europe/Berlin');
    expect(days.get('2027-10-30')).toEqual({ first: '09:00', last: '17:00', utc: 7 });
    expect(days.get('2027-10-31')).toEqual({ first: '09:00', last: '17:00', utc: 8 });
    const sunday = slots.filter(
      (slot) => DateTime.fromJSDate(slot.start, { zone: 'Europe/Berlin' }).toISODate() === '2027-10-31',
    );
    expect(sunday).toHaveLength(8);
    expect(sunday.every((slot) => slot.end.getTime() - slot.start.getTime() === 3_600_000)).toBe(true);
  });

  it('America/New_York spring forward (2027-03-14) and fall back (2027-11-07)', () => {
    const spring = byDay(week('America/New_York', '2027-03-11T12:00:00Z'), 'America/New_York');
    expect(spring.get('2027-03-13')).toEqual({ first: '09:00', last: '17:00', utc: 14 });
    expect(spring.get('2027-03-15')).toEqual({ first: '09:00', last: '17:00', utc: 13 });
    const fall = byDay(week('America/New_York', '2027-11-04T12:00:00Z'), 'America/New_York');
    expect(fall.get('2027-11-06')).toEqual({ first: '09:00', last: '17:00', utc: 13 });
    expect(fall.get('2027-11-08')).toEqual({ first: '09:00', last: '17:00', utc: 14 });
  });

  it('a window across the 02:00 spring-forward gap keeps real-minute slots and skips the missing hour', () => {
    const slots = generateSlots({
      timeZone: 'Europe/Berlin',
      availability: [{ days: ['sun'], start: '01:00', end: '04:00', slotMinutes: 60 }],
      exceptions: [],
      from: new Date('2027-03-27T00:00:00Z'),
      to: new Date('2027-03-29T00:00:00Z'),
    });
    // 01:00 CET, 03:00 CEST (02:00 does not exist): two real hours fit before 04:00 local.
    expect(slots.map((slot) => slot.start.toISOString())).toEqual([
      '2027-03-28T00:00:00.000Z',
      '2027-03-28T01:00:00.000Z',
    ]);
  });

  it('exceptions remove whole local days or a local time range', () => {
    const slots = generateSlots({
      timeZone: 'Europe/Berlin',
      availability: nineToFive,
      exceptions: [
        { from: '2027-05-03', to: '2027-05-04', reason: 'leave' },
        { from: '2027-05-05T12:00', to: '2027-05-05T14:00', reason: 'training' },
      ],
      from: new Date('2027-05-03T00:00:00Z'),
      to: new Date('2027-05-06T00:00:00Z'),
    });
    const local = slots.map((slot) =>
      DateTime.fromJSDate(slot.start, { zone: 'Europe/Berlin' }).toFormat('MM-dd HH:mm'),
    );
    expect(local.some((value) => value.startsWith('05-03') || value.startsWith('05-04'))).toBe(false);
    expect(local.filter((value) => value.startsWith('05-05'))).toEqual([
      '05-05 09:00',
      '05-05 10:00',
      '05-05 11:00',
      '05-05 14:00',
      '05-05 15:00',
      '05-05 16:00',
    ]);
  });
});
