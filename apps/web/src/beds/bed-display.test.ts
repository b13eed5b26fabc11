import { describe, expect, it } from 'vitest';
import { bedPlaces, freeBeds, occupancySummary, sinceLabel } from './bed-display';
import type { BoardWard } from './beds-api';

const ward: BoardWard = {
  id: 'w',
  name: 'Ward A',
  now: { beds: 3, free: 1, occupied: 1, cleaning: 0, blocked: 1, occupancyPercent: 50 },
  rooms: [
    {
      id: 'r1',
      name: 'Room 1',
      beds: [
        { id: 'b1', name: '1', status: 'occupied', since: null, reason: null },
        { id: 'b2', name: '2', status: 'free', since: null, reason: null },
      ],
    },
    { id: 'r2', name: 'Room 2', beds: [{ id: 'b3', name: '1', status: 'blocked', since: null, reason: 'Leak' }] },
  ],
};

describe('bed display', () => {
  it('names each bed with its room and ward', () => {
    expect(bedPlaces([ward]).map((bed) => bed.label)).toEqual([
      'Bed 1, Room 1, Ward A',
      'Bed 2, Room 1, Ward A',
      'Bed 1, Room 2, Ward A',
    ]);
    expect(freeBeds([ward]).map((bed) => bed.id)).toEqual(['b2']);
  });

  it('summarises occupancy over beds that are not blocked', () => {
    expect(occupancySummary(ward.now)).toBe('1 of 2 available beds occupied (50 %)');
    expect(occupancySummary({ beds: 1, free: 0, occupied: 0, cleaning: 0, blocked: 1, occupancyPercent: null })).toBe(
      '0 of 0 available beds occupied',
    );
  });

  it('says since when, by time today and by date before', () => {
    const now = new Date(2026, 10, 24, 15, 0);
    expect(sinceLabel(new Date(2026, 10, 24, 9, 5).toISOString(), now)).toBe('since 09:05');
    expect(sinceLabel(new Date(2026, 10, 20, 9, 5).toISOString(), now)).toBe('since 20 Nov');
    expect(sinceLabel(null, now)).toBeUndefined();
  });
});
