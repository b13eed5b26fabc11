import { describe, expect, it } from 'vitest';
import { isSearchable, looksLikePhone, patientSearches, patientSearchParams } from './patient-search-query';

describe('patientSearchParams', () => {
  it('searches every name part', () => {
    expect(patientSearchParams('jane  doe')).toEqual([
      ['name', 'jane'],
      ['name', 'doe'],
    ]);
  });
  it('reads an ISO date as a birth date and a token with digits as an identifier', () => {
    expect(patientSearchParams('doe 1980-03-12')).toEqual([
      ['name', 'doe'],
      ['birthdate', '1980-03-12'],
    ]);
    expect(patientSearchParams('MRN-004512')).toEqual([['identifier', 'MRN-004512']]);
  });
  it('asks nothing for blank or one-letter input', () => {
    expect(patientSearchParams('  ')).toEqual([]);
    expect(isSearchable('j')).toBe(false);
    expect(isSearchable('jo')).toBe(true);
  });
});

describe('patientSearches', () => {
  it('asks a phone-like entry as a phone number and as an identifier', () => {
    expect(patientSearches('(555) 010-0199')).toEqual([
      [['phone', '(555) 010-0199']],
      [['identifier', '(555)010-0199']],
    ]);
    expect(patientSearches(' +1 555 010 0199 ')).toEqual([
      [['phone', '+1 555 010 0199']],
      [['identifier', '+15550100199']],
    ]);
    expect(patientSearches('0004512')).toEqual([[['phone', '0004512']], [['identifier', '0004512']]]);
  });
  it('keeps dates, short numbers and names as they were', () => {
    expect(looksLikePhone('1980-03-12')).toBe(false);
    expect(looksLikePhone('555-01')).toBe(false);
    expect(looksLikePhone('doe 5550100199')).toBe(false);
    expect(patientSearches('doe 1980-03-12')).toEqual([
      [
        ['name', 'doe'],
        ['birthdate', '1980-03-12'],
      ],
    ]);
    expect(patientSearches(' ')).toEqual([]);
  });
});
