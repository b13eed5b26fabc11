import { describe, expect, it } from 'vitest';
import { durationText, flagOf, interpretationCode, referenceRangeText, resultValueText } from './results-display';

describe('result flags', () => {
  it('names every flag in words and marks the critical ones', () => {
    expect(flagOf('HH')).toEqual({ code: 'HH', label: 'Critical high', critical: true, abnormal: true });
    expect(flagOf('LL')).toMatchObject({ label: 'Critical low', critical: true });
    expect(flagOf('H')).toMatchObject({ label: 'High', critical: false, abnormal: true });
    expect(flagOf('l')).toMatchObject({ code: 'L', label: 'Low', critical: false });
    expect(flagOf('N')).toMatchObject({ label: 'Normal', abnormal: false });
    expect(flagOf('AA')).toMatchObject({ critical: true });
    expect(flagOf(undefined)).toBeUndefined();
  });
  it('reads the v3 interpretation code of an observation', () => {
    expect(
      interpretationCode({
        resourceType: 'Observation',
        status: 'final',
        code: {},
        interpretation: [
          { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'HH' }] },
        ],
      }),
    ).toBe('HH');
  });
});

describe('reference ranges and values', () => {
  it('shows low–high with the unit, or one side', () => {
    expect(referenceRangeText([{ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5.1, unit: 'mmol/L' } }])).toBe(
      '3.5–5.1 mmol/L',
    );
    expect(referenceRangeText([{ high: { value: 200, code: 'mg/dL' } }])).toBe('≤ 200 mg/dL');
    expect(referenceRangeText([{ low: { value: 60 } }])).toBe('≥ 60');
    expect(referenceRangeText([{ text: 'negative' }])).toBe('negative');
    expect(referenceRangeText(undefined)).toBe('');
  });
  it('shows values without float noise', () => {
    expect(resultValueText(0.1 + 0.2, 'mmol/L')).toBe('0.3 mmol/L');
    expect(resultValueText(undefined, undefined, 'positive')).toBe('positive');
  });
  it('says how long an order is overdue', () => {
    expect(durationText(45)).toBe('45 min');
    expect(durationText(190)).toBe('3 h 10 min');
    expect(durationText(60 * 52)).toBe('2 d 4 h');
    expect(durationText(-5)).toBe('0 min');
  });
});

describe('analyteName', () => {
  it('uses the display, the order name for the ordered test itself, a known name, else the code', async () => {
    const { analyteName } = await import('./results-display');
    const order = { code: '2823-3', display: 'Potassium' };
    expect(analyteName('2823-3', 'Potassium [Moles/volume]', order)).toBe('Potassium [Moles/volume]');
    expect(analyteName('2823-3', '2823-3', order)).toBe('Potassium');
    expect(analyteName('718-7', undefined, order, new Map([['718-7', 'Hemoglobin']]))).toBe('Hemoglobin');
    expect(analyteName('718-7', undefined, order)).toBe('718-7');
  });
});
