import { describe, expect, it } from 'vitest';
import { dateRange, escapeLike, foldString, numberRange } from './normalise';
import { parseReference } from './reference-parse';
import { prefixUpperBound } from './search-sql-values';
import { splitEscaped } from './search-values';

describe('foldString', () => {
  it('lower-cases and removes accents', () => {
    expect(foldString('Zoë Müller-Ångström')).toBe('zoe muller-angstrom');
  });
});

describe('dateRange', () => {
  it('covers the whole year, month or day written', () => {
    expect(dateRange('2020')).toEqual({ low: '2020-01-01T00:00:00.000Z', high: '2021-01-01T00:00:00.000Z' });
    expect(dateRange('2020-03')).toEqual({ low: '2020-03-01T00:00:00.000Z', high: '2020-04-01T00:00:00.000Z' });
    expect(dateRange('2020-12')).toEqual({ low: '2020-12-01T00:00:00.000Z', high: '2021-01-01T00:00:00.000Z' });
    expect(dateRange('2020-02-29')).toEqual({ low: '2020-02-29T00:00:00.000Z', high: '2020-03-01T00:00:00.000Z' });
  });

  it('covers the minute, second or millisecond of a time, shifted to UTC', () => {
    expect(dateRange('2020-03-10T10:30+02:00')).toEqual({
      low: '2020-03-10T08:30:00.000Z',
      high: '2020-03-10T08:31:00.000Z',
    });
    expect(dateRange('2020-03-10T10:30:15Z')).toEqual({
      low: '2020-03-10T10:30:15.000Z',
      high: '2020-03-10T10:30:16.000Z',
    });
    expect(dateRange('2020-03-10T10:30:15.250Z')?.high).toBe('2020-03-10T10:30:15.251Z');
  });

  it('refuses what is not a date', () => {
    for (const bad of ['', 'yesterday', '2020-13', '2020-02-30', '2020-01-01T25:00Z', '20200101']) {
      expect(dateRange(bad), bad).toBeUndefined();
    }
  });
});

describe('numberRange', () => {
  it('implies a range from the precision written', () => {
    expect(numberRange('100')).toEqual({ value: '100', low: '99.5', high: '100.5' });
    expect(numberRange('100.0')).toEqual({ value: '100', low: '99.95', high: '100.05' });
    expect(numberRange('1.50')).toEqual({ value: '1.5', low: '1.495', high: '1.505' });
    expect(numberRange('-3')).toEqual({ value: '-3', low: '-3.5', high: '-2.5' });
    expect(numberRange('1e2')?.value).toBe('100');
  });

  it('refuses what is not a number', () => {
    for (const bad of ['', 'abc', '1.2.3', '0x10', 'NaN']) expect(numberRange(bad), bad).toBeUndefined();
  });
});

describe('references and escapes', () => {
  it('keeps local references as type and id, others as URLs, and skips contained ones', () => {
    expect(parseReference('Patient/123')).toEqual({ targetType: 'Patient', targetId: '123', url: null });
    expect(parseReference('Patient/123/_history/2')).toEqual({ targetType: 'Patient', targetId: '123', url: null });
    expect(parseReference('https://meridian.example/fhir/R4/Patient/abc')).toEqual({
      targetType: 'Patient',
      targetId: 'abc',
      url: null,
    });
    expect(parseReference('http://other.example/Patient/1')?.url).toBe('http://other.example/Patient/1');
    expect(parseReference('urn:uuid:1234')?.url).toBe('urn:uuid:1234');
    expect(parseReference('#contained')).toBeUndefined();
  });

  it('splits on separators that are not escaped and escapes LIKE wildcards', () => {
    expect(splitEscaped('a,b\\,c,d', ',')).toEqual(['a', 'b,c', 'd']);
    expect(splitEscaped('sys|co\\|de', '|')).toEqual(['sys', 'co|de']);
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });

  it('bounds a prefix from above for index range scans', () => {
    expect(prefixUpperBound('smith12')).toBe('smith13');
    expect(prefixUpperBound('az')).toBe('a{');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeUndefined();
  });
});
