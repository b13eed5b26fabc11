import { describe, expect, it } from 'vitest';
import { buildMeasurements, EMPTY_VITALS_FORM, fieldMessage, fieldOfErrorPath, pointText } from './vitals-form';

describe('buildMeasurements', () => {
  it('sends only what was filled in, each with its unit, blood pressure as one measurement', () => {
    const built = buildMeasurements({
      ...EMPTY_VITALS_FORM,
      temperature: '98,6',
      temperatureUnit: '[degF]',
      spo2: '97',
      systolic: '120',
      diastolic: '80',
      weight: '70.5',
    });
    expect(built.errors).toEqual({});
    expect(built.measurements).toEqual([
      { type: 'body-temperature', value: 98.6, unit: '[degF]' },
      { type: 'pulse-oximetry', value: 97, unit: '%' },
      { type: 'body-weight', value: 70.5, unit: 'kg' },
      { type: 'blood-pressure', systolic: 120, diastolic: 80, unit: 'mm[Hg]' },
    ]);
    expect(built.fields).toEqual(['temperature', 'spo2', 'weight', 'systolic']);
  });

  it('names the field that is not a number, half a blood pressure, or an empty form', () => {
    expect(buildMeasurements({ ...EMPTY_VITALS_FORM, heartRate: 'fast' }).errors).toEqual({
      heartRate: 'Enter a number',
    });
    expect(buildMeasurements({ ...EMPTY_VITALS_FORM, systolic: '120' }).errors).toEqual({
      diastolic: 'Enter the diastolic pressure too',
    });
    expect(buildMeasurements(EMPTY_VITALS_FORM).errors).toEqual({ temperature: 'Enter at least one measurement' });
  });
});

describe('server errors on the form', () => {
  const fields = ['temperature', 'spo2', 'systolic'] as const;
  it('finds the field a measurement path is about', () => {
    expect(fieldOfErrorPath('measurements.1.value', [...fields])).toBe('spo2');
    expect(fieldOfErrorPath('measurements.0.unit', [...fields])).toBe('temperature');
    expect(fieldOfErrorPath('measurements.2.diastolic', [...fields])).toBe('diastolic');
    expect(fieldOfErrorPath('measurements.2.systolic', [...fields])).toBe('systolic');
    expect(fieldOfErrorPath('measurements.7.value', [...fields])).toBeUndefined();
    expect(fieldOfErrorPath('encounter', [...fields])).toBeUndefined();
  });

  it('drops the path from the message', () => {
    expect(fieldMessage('measurements.1.value: 140 % is not a possible value (0 to 100 %)')).toBe(
      '140 % is not a possible value (0 to 100 %)',
    );
  });
});

it('reads canonical units as people write them', () => {
  expect(pointText({ value: 37 }, 'Cel')).toBe('37 °C');
  expect(pointText({ components: { systolic: 120, diastolic: 80 } }, 'mm[Hg]')).toBe('120/80 mmHg');
});
