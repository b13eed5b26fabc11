import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { codeText, observationValue, periodText } from './clinical-display';

describe('codeText', () => {
  it('prefers the text, then a coding with a display, then the bare code', () => {
    expect(codeText({ text: 'Asthma', coding: [{ display: 'Asthma (disorder)' }] })).toBe('Asthma');
    expect(codeText({ coding: [{ code: '195967001' }, { code: 'J45', display: 'Asthma' }] })).toBe('Asthma');
    expect(codeText({ coding: [{ code: '195967001' }] })).toBe('195967001');
    expect(codeText(undefined)).toBe('');
  });
});

describe('observationValue', () => {
  const base: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
  it('writes quantities with comparator and unit', () => {
    expect(observationValue({ ...base, valueQuantity: { value: 7.2, unit: 'mmol/L', comparator: '<' } })).toBe(
      '<7.2 mmol/L',
    );
  });
  it('writes components such as blood pressure', () => {
    expect(
      observationValue({
        ...base,
        component: [
          { code: { text: 'Systolic' }, valueQuantity: { value: 120, unit: 'mmHg' } },
          { code: { text: 'Diastolic' }, valueQuantity: { value: 80, unit: 'mmHg' } },
        ],
      }),
    ).toBe('Systolic 120 mmHg; Diastolic 80 mmHg');
  });
  it('says why a value is absent', () => {
    expect(observationValue({ ...base, dataAbsentReason: { text: 'Patient refused' } })).toBe(
      'Not recorded (Patient refused)',
    );
  });
});

describe('periodText', () => {
  it('marks an open period as ongoing', () => {
    expect(periodText({ start: '2024-01-05' })).toBe('5 Jan 2024 – ongoing');
    expect(periodText({})).toBe('');
  });
});
