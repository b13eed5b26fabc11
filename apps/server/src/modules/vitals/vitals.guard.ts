import type { Observation, Quantity } from '@medplum/fhirtypes';
import { FhirError, type WriteGuard } from '../../fhir';
import { LOINC, VITAL_SIGNS, type VitalQuantity, type VitalSign } from './vitals.catalog';
import { convertUnit } from './vitals.units';

function vitalOf(observation: Observation): VitalSign | undefined {
  const codes = (observation.code?.coding ?? []).filter((coding) => coding.system === LOINC).map((c) => c.code);
  // The most specific match first: pulse oximetry is also coded as oxygen saturation.
  return (
    VITAL_SIGNS.find((vital) => codes[0] === vital.code) ?? VITAL_SIGNS.find((vital) => codes.includes(vital.code))
  );
}

function refuse(message: string, expression: string): never {
  throw new FhirError(
    422,
    [{ severity: 'error', code: 'business-rule', diagnostics: message, expression: [expression] }],
    'FHIR_BUSINESS_RULE',
  );
}

function check(definition: VitalQuantity, quantity: Quantity | undefined, expression: string): void {
  if (typeof quantity?.value !== 'number') return;
  const unit = quantity.code ?? quantity.unit;
  if (!unit) return;
  const converted = convertUnit(quantity.value, unit, definition.unit);
  // Units this guard cannot read are left to the validator and to the reader: only impossible values are refused.
  if (!converted.ok) return;
  const { min, max } = definition.limits;
  if (converted.value < min || converted.value > max) {
    refuse(
      `${quantity.value} ${unit} is not a possible ${definition.display.toLowerCase()} (${min} to ${max} ${definition.unit})`,
      `${expression}.value`,
    );
  }
}

/**
 * Vital signs written through FHIR (REST, Bundles, imports) meet the same plausibility limits as the
 * vitals API: an impossible value for a known vital sign is refused; unknown codes are left alone.
 */
export const vitalSignsWriteGuard: WriteGuard = ({ after }) => {
  if (!after) return;
  const observation = after as Observation;
  const vital = vitalOf(observation);
  if (!vital) return;
  check(vital, observation.valueQuantity, 'Observation.valueQuantity');
  for (const [index, component] of (observation.component ?? []).entries()) {
    const codes = (component.code?.coding ?? []).filter((coding) => coding.system === LOINC).map((c) => c.code);
    const definition = Object.values(vital.components ?? {}).find((part) => codes.includes(part.code));
    if (definition) check(definition, component.valueQuantity, `Observation.component[${index}].valueQuantity`);
  }
};
