import type { Appointment } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { canMarkNoShow, isActive } from './scheduling-api';

const appointment = (status: Appointment['status'], start?: string): Appointment => ({
  resourceType: 'Appointment',
  status,
  participant: [],
  ...(start ? { start } : {}),
});

describe('no-shows', () => {
  const now = new Date('2026-11-24T10:00:00Z');

  it('may be marked for a booked appointment once it has begun', () => {
    expect(canMarkNoShow(appointment('booked', '2026-11-24T09:30:00Z'), now)).toBe(true);
    expect(canMarkNoShow(appointment('booked', '2026-11-24T10:00:00Z'), now)).toBe(true);
    expect(canMarkNoShow(appointment('booked', '2026-11-24T10:00:01Z'), now)).toBe(false);
  });

  it('not for one checked in, cancelled, already a no-show, or without a start', () => {
    for (const status of ['arrived', 'cancelled', 'noshow', 'fulfilled'] as const) {
      expect(canMarkNoShow(appointment(status, '2026-11-24T09:00:00Z'), now)).toBe(false);
    }
    expect(canMarkNoShow(appointment('booked'), now)).toBe(false);
  });

  it('no longer count on the calendar', () => {
    expect(isActive(appointment('noshow'))).toBe(false);
    expect(isActive(appointment('booked'))).toBe(true);
  });
});
