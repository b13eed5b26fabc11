import type { CodeableConcept, Observation, ObservationReferenceRange, Quantity } from '@medplum/fhirtypes';
import { convertUnit } from '../vitals';
import { INTERPRETATION, LOINC } from './orders.catalog';
import { type ShippedRange, shippedRangeOf } from './results.ranges';

export const INTERPRETATION_CODES = ['LL', 'L', 'N', 'H', 'HH', 'A', 'AA'] as const;
export type InterpretationCode = (typeof INTERPRETATION_CODES)[number];

const DISPLAY: Record<InterpretationCode, string> = {
  LL: 'Critical low',
  L: 'Low',
  N: 'Normal',
  H: 'High',
  HH: 'Critical high',
  A: 'Abnormal',
  AA: 'Critical abnormal',
};

/** Interpretation codes that call for an alert to the ordering clinician. */
const CRITICAL = new Set(['LL', 'HH', 'AA']);

export function interpretationConcept(code: InterpretationCode): CodeableConcept {
  return { coding: [{ system: INTERPRETATION, code, display: DISPLAY[code] }], text: DISPLAY[code] };
}

export function isCritical(observation: Observation): boolean {
  return (observation.interpretation ?? []).some((concept) =>
    (concept.coding ?? []).some((coding) => coding.system === INTERPRETATION && CRITICAL.has(coding.code ?? '')),
  );
}

function loincOf(observation: Observation): string | undefined {
  return observation.code?.coding?.find((coding) => coding.system === LOINC)?.code;
}

function unitOf(quantity: Quantity): string | undefined {
  return quantity.code ?? quantity.unit;
}

/** The value in the shipped range's unit, or undefined when it cannot be converted. */
function inRangeUnit(quantity: Quantity, range: ShippedRange): number | undefined {
  const unit = unitOf(quantity);
  if (typeof quantity.value !== 'number' || !unit) return undefined;
  const converted = convertUnit(quantity.value, unit, range.unit);
  return converted.ok ? converted.value : undefined;
}

function quantity(value: number, unit: string): Quantity {
  return { value, unit, system: 'http://unitsofmeasure.org', code: unit };
}

/** The shipped range as a FHIR reference range (normal interval; critical limits are not a range). */
export function referenceRangeOf(range: ShippedRange): ObservationReferenceRange {
  return {
    low: quantity(range.low, range.unit),
    high: quantity(range.high, range.unit),
    type: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/referencerange-meaning', code: 'normal' }],
    },
    text: `${range.low}-${range.high} ${range.unit} (adult)`,
  };
}

/** The value against a range in the value's own unit (a posted or stored range), converting the limits. */
function compare(quantity: Quantity, range: ObservationReferenceRange): InterpretationCode | undefined {
  const unit = unitOf(quantity);
  const value = quantity.value;
  if (typeof value !== 'number' || !unit) return undefined;
  const limit = (bound: Quantity | undefined) => {
    if (typeof bound?.value !== 'number') return undefined;
    const boundUnit = unitOf(bound) ?? unit;
    const converted = convertUnit(bound.value, boundUnit, unit);
    return converted.ok ? converted.value : undefined;
  };
  const low = limit(range.low);
  const high = limit(range.high);
  if (low === undefined && high === undefined) return undefined;
  if (low !== undefined && value < low) return 'L';
  if (high !== undefined && value > high) return 'H';
  return 'N';
}

/**
 * An Observation with what it lacks filled in: the shipped adult range when it has no range of its own
 * and its LOINC code has one, and the interpretation (L, H, N; LL and HH past the shipped critical
 * limits) when it has none. An Observation that already has an interpretation keeps it, and a value that
 * cannot be compared (text, an unconvertible unit) is left without one.
 */
export function interpret(observation: Observation): Observation {
  const shipped = shippedRangeOf(loincOf(observation));
  const value = observation.valueQuantity;
  let next = observation;
  if (!observation.referenceRange?.length && shipped && value && inRangeUnit(value, shipped) !== undefined) {
    next = { ...next, referenceRange: [referenceRangeOf(shipped)] };
  }
  if (observation.interpretation?.length || !value) return next;
  const range = next.referenceRange?.find((r) => r.low || r.high);
  let code = range ? compare(value, range) : undefined;
  const converted = shipped ? inRangeUnit(value, shipped) : undefined;
  if (shipped && converted !== undefined) {
    if (shipped.criticalLow !== undefined && converted < shipped.criticalLow) code = 'LL';
    else if (shipped.criticalHigh !== undefined && converted > shipped.criticalHigh) code = 'HH';
  }
  return code ? { ...next, interpretation: [interpretationConcept(code)] } : next;
}
