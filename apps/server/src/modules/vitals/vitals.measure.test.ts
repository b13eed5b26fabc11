import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/http';
import { measure } from './vitals.measure';
import { bodyMassIndex } from './vitals.observation';
import { convertUnit } from './vitals.units';

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('unit conversion (UCUM)', () => {
  it('converts °F, pounds and inches exactly', () => {
    expect(convertUnit(98.6, '[degF]', 'Cel')).toEqual({ ok: true, value: 37 });
    expect(convertUnit(154, '[lb_av]', 'kg')).toMatchObject({ ok: true });
    expect((convertUnit(154, '[lb_av]', 'kg') as { value: number }).value).toBeCloseTo(69.853, 3);
    expect(convertUnit(70, '[in_i]', 'cm')).toEqual({ ok: true, value: 177.8 });
    expect(convertUnit(1.8, 'm', 'cm')).toEqual({ ok: true, value: 180 });
  });

  it('refuses units that are not UCUM or measure something else', () => {
    expect(convertUnit(70, 'kilos', 'kg').ok).toBe(false);
    expect(convertUnit(70, 'kg', 'cm').ok).toBe(false);
  });
});

describe('measure', () => {
  it('stores the canonical unit, rounded to the precision that means something', () => {
    expect(measure({ type: 'body-temperature', value: 100.4, unit: '[degF]' }, 'm.0')).toMatchObject({ value: 38 });
    expect(measure({ code: '29463-7', value: 154, unit: '[lb_av]' }, 'm.0').value).toBe(69.85);
    expect(measure({ type: 'heart-rate', value: 72 }, 'm.0').value).toBe(72);
    expect(measure({ type: 'blood-pressure', systolic: 120, diastolic: 80 }, 'm.0').components).toEqual({
      systolic: 120,
      diastolic: 80,
    });
  });

  it('refuses impossible values naming the field, in canonical units', () => {
    const hot = refusal(() => measure({ type: 'body-temperature', value: 380 }, 'measurements.1'));
    expect(hot).toMatchObject({ status: 422, code: 'VITALS_IMPLAUSIBLE' });
    expect(hot.details).toMatchObject({ path: 'measurements.1.value', unit: 'Cel', max: 47 });
    // 200 °F is about 93 °C: impossible even though 200 looks like a number of the right size.
    expect(refusal(() => measure({ type: 'body-temperature', value: 200, unit: '[degF]' }, 'm.0')).code).toBe(
      'VITALS_IMPLAUSIBLE',
    );
    expect(refusal(() => measure({ type: 'oxygen-saturation', value: 101 }, 'm.0')).code).toBe('VITALS_IMPLAUSIBLE');
    expect(refusal(() => measure({ type: 'heart-rate', value: -3 }, 'm.0')).code).toBe('VITALS_IMPLAUSIBLE');
    const bp = refusal(() => measure({ type: 'blood-pressure', systolic: 80, diastolic: 120 }, 'm.2'));
    expect(bp.details).toMatchObject({ path: 'm.2.diastolic' });
  });

  it('names a bad unit, an unknown type and a missing value', () => {
    const unit = refusal(() => measure({ type: 'body-weight', value: 70, unit: 'cm' }, 'm.0'));
    expect(unit).toMatchObject({ status: 422, code: 'VITALS_INVALID_UNIT', details: { path: 'm.0.unit' } });
    expect(refusal(() => measure({ type: 'mood', value: 3 }, 'm.0')).code).toBe('VITALS_UNKNOWN_TYPE');
    expect(refusal(() => measure({ type: 'heart-rate' }, 'm.0')).details).toMatchObject({ path: 'm.0.value' });
    expect(refusal(() => measure({ type: 'blood-pressure', systolic: 120 }, 'm.0')).details).toMatchObject({
      path: 'm.0.diastolic',
    });
  });
});

describe('bodyMassIndex', () => {
  it('is kg/m2 to one decimal', () => {
    expect(bodyMassIndex(70, 175)).toBe(22.9);
    expect(bodyMassIndex(69.85, 177.8)).toBe(22.1);
  });
});
