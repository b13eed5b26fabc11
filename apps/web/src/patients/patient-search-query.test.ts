import { describe, expect, it } from 'vitest';
import { isSearchable, patientSearchParams } from './patient-search-query';

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
