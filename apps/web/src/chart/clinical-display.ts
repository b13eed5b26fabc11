import type { CodeableConcept, Observation, Period, Quantity, Reference } from '@medplum/fhirtypes';
import { formatFhirDateTime } from '../format/dates';

/** What a coded element says, in the words the record gives: text, then a display, then the bare code. */
export function codeText(concept: CodeableConcept | undefined): string {
  if (!concept) return '';
  if (concept.text) return concept.text;
  const coding = concept.coding?.find((found) => found.display) ?? concept.coding?.[0];
  return coding?.display ?? coding?.code ?? '';
}

export function codesText(concepts: CodeableConcept[] | undefined): string {
  return (concepts ?? []).map(codeText).filter(Boolean).join(', ');
}

export function referenceText(reference: Reference | undefined): string {
  return reference?.display ?? reference?.reference ?? '';
}

export function quantityText(quantity: Quantity | undefined): string {
  if (quantity?.value === undefined) return '';
  const unit = quantity.unit ?? quantity.code ?? '';
  return `${quantity.comparator ?? ''}${quantity.value}${unit ? ` ${unit}` : ''}`;
}

export function periodText(period: Period | undefined): string {
  if (!period?.start && !period?.end) return '';
  const start = formatFhirDateTime(period.start);
  const end = formatFhirDateTime(period.end);
  if (start && end) return `${start} – ${end}`;
  return start ? `${start} – ongoing` : `until ${end}`;
}

/** The value of an observation whatever its type: quantity, code, text, ratio, range or components. */
export function observationValue(observation: Observation): string {
  if (observation.valueQuantity) return quantityText(observation.valueQuantity);
  if (observation.valueCodeableConcept) return codeText(observation.valueCodeableConcept);
  if (observation.valueString !== undefined) return observation.valueString;
  if (observation.valueBoolean !== undefined) return observation.valueBoolean ? 'Yes' : 'No';
  if (observation.valueInteger !== undefined) return String(observation.valueInteger);
  if (observation.valueRatio) {
    return `${quantityText(observation.valueRatio.numerator)} / ${quantityText(observation.valueRatio.denominator)}`;
  }
  if (observation.valueRange) {
    return `${quantityText(observation.valueRange.low)} – ${quantityText(observation.valueRange.high)}`;
  }
  if (observation.component?.length) {
    return observation.component
      .map((component) => {
        const value = component.valueQuantity
          ? quantityText(component.valueQuantity)
          : codeText(component.valueCodeableConcept);
        return `${codeText(component.code)} ${value}`.trim();
      })
      .join('; ');
  }
  if (observation.dataAbsentReason) return `Not recorded (${codeText(observation.dataAbsentReason)})`;
  return '';
}

/** onset[x] and its kin: the date or the words the record gives for when something happened. */
export function whenText(value: { dateTime?: string; period?: Period; string?: string; age?: Quantity }): string {
  if (value.dateTime) return formatFhirDateTime(value.dateTime);
  if (value.period) return periodText(value.period);
  if (value.string) return value.string;
  if (value.age) return `at age ${quantityText(value.age)}`;
  return '';
}
