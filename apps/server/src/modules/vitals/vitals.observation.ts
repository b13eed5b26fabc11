import type { Observation, Quantity, Reference } from '@medplum/fhirtypes';
import { LOINC, type VitalQuantity, type VitalSign } from './vitals.catalog';
import type { Measured } from './vitals.measure';
import { convertUnit, roundTo, UCUM_SYSTEM } from './vitals.units';

export const VITAL_SIGNS_CATEGORY = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'vital-signs',
      display: 'Vital Signs',
    },
  ],
};

function quantity(definition: VitalQuantity, value: number): Quantity {
  return { value, unit: definition.unit, system: UCUM_SYSTEM, code: definition.unit };
}

export interface ObservationContext {
  patient: string;
  encounter?: string | undefined;
  effective: string;
  performer?: Reference | undefined;
  derivedFrom?: string[];
}

/** A vital-signs Observation per the FHIR profile: category, LOINC code, UCUM quantity in the canonical unit. */
export function vitalObservation(measured: Measured, context: ObservationContext): Observation {
  const { vital } = measured;
  return {
    resourceType: 'Observation',
    meta: { profile: [vital.profile] },
    status: 'final',
    category: [VITAL_SIGNS_CATEGORY],
    code: {
      coding: [{ system: LOINC, code: vital.code, display: vital.display }, ...(vital.alsoCoded ?? [])],
      text: vital.display,
    },
    subject: { reference: context.patient },
    ...(context.encounter ? { encounter: { reference: context.encounter } } : {}),
    effectiveDateTime: context.effective,
    ...(context.performer ? { performer: [context.performer as NonNullable<Observation['performer']>[number]] } : {}),
    ...(measured.value !== undefined ? { valueQuantity: quantity(vital, measured.value) } : {}),
    ...(measured.components && vital.components
      ? {
          component: Object.entries(vital.components).map(([name, definition]) => ({
            code: { coding: [{ system: LOINC, code: definition.code, display: definition.display }] },
            valueQuantity: quantity(definition, measured.components![name]!),
          })),
        }
      : {}),
    ...(context.derivedFrom?.length ? { derivedFrom: context.derivedFrom.map((reference) => ({ reference })) } : {}),
  };
}

/** A stored quantity in the canonical unit (values written through FHIR may be in any UCUM unit). */
export function canonicalOf(definition: VitalQuantity, value: Quantity | undefined): number | undefined {
  if (typeof value?.value !== 'number') return undefined;
  const unit = value.code ?? value.unit;
  if (!unit) return undefined;
  const converted = convertUnit(value.value, unit, definition.unit);
  return converted.ok ? roundTo(converted.value, definition.decimals) : undefined;
}

export interface TrendPoint {
  effective: string;
  observation: string;
  value?: number;
  components?: Record<string, number>;
}

/** A point of a trend from an Observation, in canonical units; undefined when it holds no usable value. */
export function trendPoint(vital: VitalSign, observation: Observation): TrendPoint | undefined {
  const effective = observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued;
  if (!effective) return undefined;
  const base = { effective, observation: `Observation/${observation.id}` };
  if (vital.components) {
    const components: Record<string, number> = {};
    for (const [name, definition] of Object.entries(vital.components)) {
      const found = observation.component?.find((component) =>
        component.code.coding?.some((coding) => coding.system === LOINC && coding.code === definition.code),
      );
      const value = canonicalOf(definition, found?.valueQuantity);
      if (value !== undefined) components[name] = value;
    }
    return Object.keys(components).length ? { ...base, components } : undefined;
  }
  const value = canonicalOf(vital, observation.valueQuantity);
  return value === undefined ? undefined : { ...base, value };
}

/** BMI in kg/m2 from a weight in kg and a height in cm. */
export function bodyMassIndex(weightKg: number, heightCm: number): number {
  const metres = heightCm / 100;
  return roundTo(weightKg / (metres * metres), 1);
}
