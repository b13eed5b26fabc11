import { describe, expect, it } from 'vitest';
import { formatMrn, isValidMrn, luhnCheckDigit, mod11_2CheckDigit } from './mrn';

describe('check digits', () => {
  it('computes Luhn (mod 10) as the published examples do', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('0000001')).toBe('8');
  });

  it('computes ISO 7064 MOD 11-2, with X for ten', () => {
    // The ORCID examples: 0000-0002-1825-0097 and 0000-0002-1694-233X.
    expect(mod11_2CheckDigit('000000021825009')).toBe('7');
    expect(mod11_2CheckDigit('000000021694233')).toBe('X');
  });
});

describe('MRN format', () => {
  const luhn = { prefix: 'MRN', digits: 7, checkDigit: 'luhn' as const };

  it('pads the sequence and appends the check digit', () => {
    expect(formatMrn(luhn, 1)).toBe('MRN00000018');
    expect(formatMrn({ prefix: 'H-', digits: 15, checkDigit: 'mod11-2' }, 21694233)).toBe('H-000000021694233X');
    expect(formatMrn({ prefix: '', digits: 5, checkDigit: 'none' }, 42)).toBe('00042');
  });

  it('accepts its own numbers and refuses a changed digit, a wrong prefix or length', () => {
    expect(isValidMrn(luhn, 'MRN00000018')).toBe(true);
    expect(isValidMrn(luhn, 'MRN00000019')).toBe(false);
    expect(isValidMrn(luhn, 'MRN00000108')).toBe(false);
    expect(isValidMrn(luhn, 'XRN00000018')).toBe(false);
    expect(isValidMrn(luhn, 'MRN0000018')).toBe(false);
  });
});
