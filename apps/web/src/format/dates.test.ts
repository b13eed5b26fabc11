import { describe, expect, it } from 'vitest';
import { ageFrom, dateSortKey, formatFhirDate } from './dates';

describe('formatFhirDate', () => {
  it('writes full, partial and unparseable dates as a person reads them', () => {
    expect(formatFhirDate('1980-03-12')).toBe('12 Mar 1980');
    expect(formatFhirDate('1980-03')).toBe('Mar 1980');
    expect(formatFhirDate('1980')).toBe('1980');
    expect(formatFhirDate('2020-01-05T10:00:00Z')).toBe('5 Jan 2020');
    expect(formatFhirDate('soon')).toBe('soon');
    expect(formatFhirDate(undefined)).toBe('');
  });
});

describe('ageFrom', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('counts whole years, not calendar-year differences', () => {
    expect(ageFrom('1980-11-23', now)).toBe('46 y');
    expect(ageFrom('1980-11-24', now)).toBe('45 y');
  });
  it('gives months under two and days under one month', () => {
    expect(ageFrom('2025-05-01', now)).toBe('18 mo');
    expect(ageFrom('2026-11-03', now)).toBe('20 d');
  });
  it('has no age for a birth date in the future or a missing one', () => {
    expect(ageFrom('2027-01-01', now)).toBeUndefined();
    expect(ageFrom(undefined, now)).toBeUndefined();
  });
});

describe('dateSortKey', () => {
  it('orders partial dates with full ones and puts missing dates last', () => {
    const values = ['2020', undefined, '2021-06-01', '2020-12'];
    const sorted = [...values].sort((a, b) => dateSortKey(b) - dateSortKey(a));
    expect(sorted).toEqual(['2021-06-01', '2020-12', '2020', undefined]);
  });
});
