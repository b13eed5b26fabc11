import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { interpret, isCritical } from './results.interpret';

const UCUM = 'http://unitsofmeasure.org';

function observation(code: string, value: number, unit: string, extra: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    valueQuantity: { value, unit, system: UCUM, code: unit },
    ...extra,
  };
}

const flag = (o: Observation) => o.interpretation?.[0]?.coding?.[0]?.code;

describe('interpret', () => {
  it('adds the shipped adult range and flags against it, with critical limits', () => {
    expect(flag(interpret(observation('2823-3', 4.2, 'mmol/L')))).toBe('N');
    expect(flag(interpret(observation('2823-3', 3.2, 'mmol/L')))).toBe('L');
    expect(flag(interpret(observation('2823-3', 5.6, 'mmol/L')))).toBe('H');
    expect(flag(interpret(observation('2823-3', 2.2, 'mmol/L')))).toBe('LL');
    expect(flag(interpret(observation('2823-3', 6.8, 'mmol/L')))).toBe('HH');
    expect(interpret(observation('2823-3', 4.2, 'mmol/L')).referenceRange?.[0]?.text).toBe('3.5-5.1 mmol/L (adult)');
  });

  it("prefers the lab's own range, still applying the critical limits", () => {
    const withRange = (value: number) =>
      observation('2951-2', value, 'mmol/L', {
        referenceRange: [{ low: { value: 136, unit: 'mmol/L' }, high: { value: 146, unit: 'mmol/L' } }],
      });
    expect(flag(interpret(withRange(135.5)))).toBe('L');
    expect(interpret(withRange(135.5)).referenceRange).toHaveLength(1);
    expect(flag(interpret(withRange(118)))).toBe('LL');
  });

  it('converts units UCUM can convert, and leaves the rest unflagged', () => {
    // 90 mg/dL of glucose, given in g/L: 0.9 g/L.
    expect(flag(interpret(observation('2345-7', 0.9, 'g/L')))).toBe('N');
    // mmol/L to mg/dL needs a molar mass: no range, no flag rather than a wrong one.
    const molar = interpret(observation('2345-7', 5.5, 'mmol/L'));
    expect(molar.referenceRange).toBeUndefined();
    expect(molar.interpretation).toBeUndefined();
  });

  it('keeps a given interpretation and leaves unknown codes without a range alone', () => {
    const given = observation('2823-3', 7.5, 'mmol/L', {
      interpretation: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H' }] },
      ],
    });
    expect(flag(interpret(given))).toBe('H');
    expect(interpret(observation('718-7', 9, 'g/dL')).interpretation).toBeUndefined();
  });

  it('calls LL, HH and AA critical', () => {
    expect(isCritical(interpret(observation('777-3', 12, '10*3/uL')))).toBe(true);
    expect(isCritical(interpret(observation('777-3', 120, '10*3/uL')))).toBe(false);
  });
});
