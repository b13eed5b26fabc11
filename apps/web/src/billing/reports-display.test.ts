import { describe, expect, it } from 'vitest';
import { agingRows, claimStatusLabel } from './reports-display';

describe('aging', () => {
  it('turns the totals into one line per receivable and currency', () => {
    const rows = agingRows({
      asOf: '2026-06-02T10:00:00Z',
      parties: [],
      totals: {
        'patient-ar': { USD: { '0-30': 10_000, '31-60': 0, '61-90': 2_500, '90+': 0, total: 12_500 } },
        'insurer-ar': { EUR: { '0-30': 0, '31-60': 0, '61-90': 0, '90+': 900, total: 900 } },
      },
    });
    expect(rows).toEqual([
      {
        key: 'patient-ar|USD',
        label: 'Patients',
        currency: 'USD',
        buckets: { '0-30': 10_000, '31-60': 0, '61-90': 2_500, '90+': 0 },
        total: 12_500,
      },
      {
        key: 'insurer-ar|EUR',
        label: 'Insurers (EUR)',
        currency: 'EUR',
        buckets: { '0-30': 0, '31-60': 0, '61-90': 0, '90+': 900 },
        total: 900,
      },
    ]);
  });
  it('names claim statuses', () => {
    expect(claimStatusLabel('partially-paid').text).toBe('Partially paid');
    expect(claimStatusLabel('denied').color).toBe('red.9');
  });
});
