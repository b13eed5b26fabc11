import type { Observation, ObservationReferenceRange } from '@medplum/fhirtypes';

const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** How a result's interpretation flag is shown: its code, words, and whether it is critical. */
export interface ResultFlag {
  code: string;
  label: string;
  critical: boolean;
  /** Anything but normal. */
  abnormal: boolean;
}

const FLAGS: Record<string, Omit<ResultFlag, 'code'>> = {
  LL: { label: 'Critical low', critical: true, abnormal: true },
  L: { label: 'Low', critical: false, abnormal: true },
  N: { label: 'Normal', critical: false, abnormal: false },
  H: { label: 'High', critical: false, abnormal: true },
  HH: { label: 'Critical high', critical: true, abnormal: true },
  A: { label: 'Abnormal', critical: false, abnormal: true },
  AA: { label: 'Critical abnormal', critical: true, abnormal: true },
};

/** The flag for an interpretation code (LL, L, N, H, HH, A, AA); undefined when there is none. */
export function flagOf(code: string | undefined): ResultFlag | undefined {
  if (!code) return undefined;
  const known = FLAGS[code.toUpperCase()];
  return known ? { code: code.toUpperCase(), ...known } : { code, label: code, critical: false, abnormal: true };
}

/** The v3 interpretation code an observation carries (the first one of that system, else any code). */
export function interpretationCode(observation: Observation): string | undefined {
  const codings = (observation.interpretation ?? []).flatMap((concept) => concept.coding ?? []);
  return (codings.find((coding) => coding.system === INTERPRETATION_SYSTEM) ?? codings[0])?.code;
}

/** A number as a person reads it: no trailing zeros, no float noise. */
function numberText(value: number | undefined): string {
  if (value === undefined) return '';
  return String(Number(value.toPrecision(12)));
}

/** "3.5–5.1 mmol/L", "< 200 mg/dL", "> 60", or the range's own text. */
export function referenceRangeText(ranges: ObservationReferenceRange[] | undefined): string {
  const range = ranges?.[0];
  if (!range) return '';
  const unit = range.low?.unit ?? range.low?.code ?? range.high?.unit ?? range.high?.code ?? '';
  const suffix = unit ? ` ${unit}` : '';
  const low = range.low?.value;
  const high = range.high?.value;
  if (low !== undefined && high !== undefined) return `${numberText(low)}–${numberText(high)}${suffix}`;
  if (high !== undefined) return `≤ ${numberText(high)}${suffix}`;
  if (low !== undefined) return `≥ ${numberText(low)}${suffix}`;
  return range.text ?? '';
}

/** The value of a result with its unit: "6.8 mmol/L", or its text. */
export function resultValueText(value: number | undefined, unit: string | undefined, text?: string): string {
  if (value !== undefined) return `${numberText(value)}${unit ? ` ${unit}` : ''}`;
  return text ?? '—';
}

export function observationValueText(observation: Observation): string {
  const quantity = observation.valueQuantity;
  if (quantity) return resultValueText(quantity.value, quantity.unit ?? quantity.code);
  if (observation.valueString !== undefined) return observation.valueString;
  return observation.valueCodeableConcept?.text ?? observation.valueCodeableConcept?.coding?.[0]?.display ?? '—';
}

/** "45 min", "3 h 10 min", "2 d 4 h": how long past due an order is. */
export function durationText(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 24) return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export const ORDER_STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  active: 'Active',
  'on-hold': 'On hold',
  completed: 'Completed',
  revoked: 'Revoked',
  'entered-in-error': 'Entered in error',
  unknown: 'Unknown',
};

export const PRIORITY_LABELS: Record<string, string> = {
  routine: 'Routine',
  urgent: 'Urgent',
  asap: 'ASAP',
  stat: 'STAT',
};

/**
 * An analyte's name: its display, else the order's name when it is the ordered test itself (a lab may
 * send a code alone), else the bare code.
 */
export function analyteName(
  code: string | undefined,
  display: string | undefined,
  order: { code?: string | undefined; display?: string | undefined } | undefined,
  known?: Map<string, string>,
): string {
  if (display && display !== code) return display;
  if (code && order?.code === code && order.display) return order.display;
  if (code && known?.has(code)) return known.get(code)!;
  return code ?? display ?? 'Result';
}
