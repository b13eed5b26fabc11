import type { Location } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { wardNow, wardPeriod } from './beds.stats';
import { bedStatusOf, operationalStatusOf, withBedStatus } from './beds.status';
import type { BedEvent, StatusChange } from './beds.store';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
let position = 0;

function change(bedId: string, wardId: string, hours: number, to: StatusChange['to'], event: BedEvent): StatusChange {
  position += 1;
  return {
    position,
    bedId,
    wardId,
    from: null,
    to,
    at: at(hours),
    event,
    byUser: null,
    encounterId: null,
    reason: null,
  };
}

describe('bed status codes (v2-0116)', () => {
  it('writes U, O, H, C and reads K as cleaning, I as blocked, nothing as free', () => {
    expect(
      ['free', 'occupied', 'cleaning', 'blocked'].map((status) => operationalStatusOf(status as never).code),
    ).toEqual(['U', 'O', 'H', 'C']);
    const bed = (code?: string): Location => ({
      resourceType: 'Location',
      ...(code ? { operationalStatus: { system: 'http://terminology.hl7.org/CodeSystem/v2-0116', code } } : {}),
    });
    expect([bed('K'), bed('I'), bed(), bed('H')].map(bedStatusOf)).toEqual(['cleaning', 'blocked', 'free', 'cleaning']);
  });

  it('keeps a blocking reason only while the bed is blocked', () => {
    const blocked = withBedStatus({ resourceType: 'Location' }, 'blocked', 'Leaking tap');
    expect(blocked.extension?.[0]?.valueString).toBe('Leaking tap');
    expect(withBedStatus(blocked, 'free').extension).toBeUndefined();
  });
});

describe('ward statistics', () => {
  it('counts now: occupancy among beds that are not blocked', () => {
    expect(wardNow(['occupied', 'free', 'blocked', 'cleaning'])).toEqual({
      beds: 4,
      free: 1,
      occupied: 1,
      cleaning: 1,
      blocked: 1,
      occupancyPercent: 33.3,
    });
    expect(wardNow(['blocked']).occupancyPercent).toBeNull();
  });

  it('follows a bed to the ward its change names: a transfer out counts here, the new bed elsewhere', () => {
    const changes = [
      change('a', 'w1', 0, 'free', 'created'),
      change('a', 'w1', 2, 'occupied', 'admit'),
      change('a', 'w1', 6, 'cleaning', 'transfer-out'),
      change('a', 'w1', 7, 'free', 'cleaned'),
      change('b', 'w2', 0, 'free', 'created'),
      change('b', 'w2', 6, 'occupied', 'transfer-in'),
      // Bed c joins ward 1 halfway through the period.
      change('c', 'w1', 5, 'free', 'created'),
    ].sort((x, y) => x.bedId.localeCompare(y.bedId) || x.position - y.position);
    const stats = wardPeriod('w1', at(0), at(10), changes, []);
    expect(stats).toMatchObject({
      beds: 2,
      bedHoursAvailable: 15,
      bedHoursOccupied: 4,
      occupancyPercent: 26.7,
      admissions: 1,
      transfersOut: 1,
      transfersIn: 0,
      discharges: 0,
      turnover: 0,
      averageCleaningMinutes: 60,
      cleanings: 1,
    });
    expect(wardPeriod('w2', at(0), at(10), changes, [])).toMatchObject({
      beds: 1,
      bedHoursOccupied: 4,
      transfersIn: 1,
    });
  });

  it('measures a cleaning that began before the period in full, when it ends inside it', () => {
    const changes = [change('a', 'w1', 0, 'cleaning', 'discharge'), change('a', 'w1', 3, 'free', 'cleaned')];
    expect(wardPeriod('w1', at(2), at(4), changes, [])).toMatchObject({
      averageCleaningMinutes: 180,
      bedHoursAvailable: 2,
      bedHoursOccupied: 0,
      occupancyPercent: 0,
    });
  });
});
