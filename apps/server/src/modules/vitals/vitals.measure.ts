import { type VitalQuantity, type VitalSign, vitalSignOf } from './vitals.catalog';
import { vitalsErrors } from './vitals.errors';
import { convertUnit, roundTo } from './vitals.units';

/** One measurement as a caller sends it: a value in any UCUM unit, or systolic/diastolic for blood pressure. */
export interface MeasurementInput {
  type?: string | undefined;
  code?: string | undefined;
  value?: number | undefined;
  unit?: string | undefined;
  systolic?: number | undefined;
  diastolic?: number | undefined;
}

/** A measurement checked and converted to its canonical unit. */
export interface Measured {
  vital: VitalSign;
  value?: number;
  components?: Record<string, number>;
}

/** Converts to the canonical unit and checks the physiological limits; errors name the offending field. */
export function canonicalValue(quantity: VitalQuantity, value: number, unit: string | undefined, path: string): number {
  const from = unit ?? quantity.unit;
  const converted = convertUnit(value, from, quantity.unit);
  if (!converted.ok)
    throw vitalsErrors.invalidUnit(`${path.replace(/\.[a-z]+$/, '')}.unit`, converted.reason, quantity.unit);
  const canonical = roundTo(converted.value, quantity.decimals);
  const { min, max } = quantity.limits;
  if (!(converted.value >= min && converted.value <= max)) {
    throw vitalsErrors.implausible(path, roundTo(converted.value, quantity.decimals), quantity.unit, min, max);
  }
  return canonical;
}

export function measure(input: MeasurementInput, path: string): Measured {
  const given = input.type ?? input.code;
  if (!given) throw vitalsErrors.invalidRequest(`${path}.type: say which vital sign (type or code)`, `${path}.type`);
  const vital = vitalSignOf(given);
  if (!vital) throw vitalsErrors.unknownType(`${path}.${input.type ? 'type' : 'code'}`, given);
  if (vital.components) {
    const components: Record<string, number> = {};
    for (const [name, quantity] of Object.entries(vital.components)) {
      const value = input[name as 'systolic' | 'diastolic'];
      if (typeof value !== 'number') {
        throw vitalsErrors.invalidRequest(`${path}.${name}: ${vital.type} needs ${name}`, `${path}.${name}`);
      }
      components[name] = canonicalValue(quantity, value, input.unit, `${path}.${name}`);
    }
    if (components.systolic !== undefined && components.diastolic !== undefined) {
      if (components.diastolic >= components.systolic) {
        throw vitalsErrors.implausible(
          `${path}.diastolic`,
          components.diastolic,
          'mm[Hg]',
          vital.components.diastolic!.limits.min,
          components.systolic - 1,
        );
      }
    }
    return { vital, components };
  }
  if (typeof input.value !== 'number') {
    throw vitalsErrors.invalidRequest(`${path}.value: ${vital.type} needs a value`, `${path}.value`);
  }
  return { vital, value: canonicalValue(vital, input.value, input.unit, `${path}.value`) };
}
