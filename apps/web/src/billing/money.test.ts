import { describe, expect, it } from 'vitest';
import { decimalToMinor, formatMoney, minorDigits, minorToInput, parseAmountInput } from './money';

describe('formatMoney', () => {
  it('formats minor units with the currency', () => {
    expect(formatMoney(15_000, 'USD')).toBe('$150.00');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(123_456_789, 'USD')).toBe('$1,234,567.89');
    expect(formatMoney(-500, 'USD')).toBe('-$5.00');
  });
  it('knows currencies without cents or with three decimals', () => {
    expect(minorDigits('JPY')).toBe(0);
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney(1500, 'KWD').replace(/\s/g, ' ')).toBe('KWD 1.500');
    expect(formatMoney(1999, 'EUR')).toBe('€19.99');
  });
});

describe('decimalToMinor', () => {
  it('reads FHIR decimals exactly', () => {
    expect(decimalToMinor(150, 'USD')).toBe(15_000);
    expect(decimalToMinor(0.1, 'USD')).toBe(10);
    expect(decimalToMinor(80.05, 'USD')).toBe(8005);
    expect(decimalToMinor('19.990', 'USD')).toBe(1999);
    expect(decimalToMinor(1500, 'JPY')).toBe(1500);
    expect(decimalToMinor(undefined, 'USD')).toBeUndefined();
    expect(decimalToMinor(1.005, 'USD')).toBeUndefined();
  });
});

describe('parseAmountInput', () => {
  it('accepts what a person types', () => {
    expect(parseAmountInput('50', 'USD')).toEqual({ ok: true, minor: 5000 });
    expect(parseAmountInput(' $1,250.5 ', 'USD')).toEqual({ ok: true, minor: 125_050 });
    expect(parseAmountInput('0.07', 'USD')).toEqual({ ok: true, minor: 7 });
  });
  it('refuses what is not an amount', () => {
    expect(parseAmountInput('', 'USD')).toEqual({ ok: false, error: 'Enter an amount' });
    expect(parseAmountInput('abc', 'USD').ok).toBe(false);
    expect(parseAmountInput('1.234', 'USD').ok).toBe(false);
    expect(parseAmountInput('0', 'USD')).toEqual({ ok: false, error: 'The amount must be more than zero' });
    expect(parseAmountInput('-5', 'USD').ok).toBe(false);
    expect(parseAmountInput('10.5', 'JPY').ok).toBe(false);
  });
  it('round-trips to the field text', () => {
    expect(minorToInput(10_000, 'USD')).toBe('100.00');
    expect(minorToInput(5, 'USD')).toBe('0.05');
    expect(minorToInput(1500, 'JPY')).toBe('1500');
  });
});
