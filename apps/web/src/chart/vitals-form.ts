import type { MeasurementBody } from './vitals-api';

/** The record-vitals form as typed: text, so an empty field means "not measured". */
export interface VitalsFormValues {
  temperature: string;
  temperatureUnit: 'Cel' | '[degF]';
  heartRate: string;
  respiratoryRate: string;
  spo2: string;
  systolic: string;
  diastolic: string;
  weight: string;
  height: string;
}

export type VitalsField = Exclude<keyof VitalsFormValues, 'temperatureUnit'>;

export const EMPTY_VITALS_FORM: VitalsFormValues = {
  temperature: '',
  temperatureUnit: 'Cel',
  heartRate: '',
  respiratoryRate: '',
  spo2: '',
  systolic: '',
  diastolic: '',
  weight: '',
  height: '',
};

/** The vital signs the chart shows, in display order: API type, LOINC code and label. */
export const CHART_VITALS = [
  { type: 'body-temperature', code: '8310-5', label: 'Temperature' },
  { type: 'heart-rate', code: '8867-4', label: 'Heart rate' },
  { type: 'respiratory-rate', code: '9279-1', label: 'Respiratory rate' },
  { type: 'pulse-oximetry', code: '59408-5', label: 'SpO2' },
  { type: 'blood-pressure', code: '85354-9', label: 'Blood pressure' },
  { type: 'body-weight', code: '29463-7', label: 'Weight' },
  { type: 'body-height', code: '8302-2', label: 'Height' },
  { type: 'bmi', code: '39156-5', label: 'BMI' },
] as const;
export type ChartVitalType = (typeof CHART_VITALS)[number]['type'];

export interface BuiltMeasurements {
  measurements: MeasurementBody[];
  /** The form field each measurement came from, by index: how a server error path finds its field. */
  fields: VitalsField[];
  errors: Partial<Record<VitalsField, string>>;
}

function parseNumber(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim().replace(',', '.');
  if (!trimmed) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : 'invalid';
}

const SINGLE: { field: VitalsField; type: string; unit: (values: VitalsFormValues) => string }[] = [
  { field: 'temperature', type: 'body-temperature', unit: (values) => values.temperatureUnit },
  { field: 'heartRate', type: 'heart-rate', unit: () => '/min' },
  { field: 'respiratoryRate', type: 'respiratory-rate', unit: () => '/min' },
  { field: 'spo2', type: 'pulse-oximetry', unit: () => '%' },
  { field: 'weight', type: 'body-weight', unit: () => 'kg' },
  { field: 'height', type: 'body-height', unit: () => 'cm' },
];

/**
 * The request body from the form: only the fields filled in, each with its unit. Plausibility is the
 * server's to judge (it knows the limits); here only "is it a number" and "both blood pressure values".
 */
export function buildMeasurements(values: VitalsFormValues): BuiltMeasurements {
  const measurements: MeasurementBody[] = [];
  const fields: VitalsField[] = [];
  const errors: Partial<Record<VitalsField, string>> = {};
  for (const { field, type, unit } of SINGLE) {
    const value = parseNumber(values[field]);
    if (value === 'invalid') errors[field] = 'Enter a number';
    else if (value !== undefined) {
      measurements.push({ type, value, unit: unit(values) });
      fields.push(field);
    }
  }
  const systolic = parseNumber(values.systolic);
  const diastolic = parseNumber(values.diastolic);
  if (systolic === 'invalid') errors.systolic = 'Enter a number';
  if (diastolic === 'invalid') errors.diastolic = 'Enter a number';
  if (typeof systolic === 'number' && diastolic === undefined) errors.diastolic = 'Enter the diastolic pressure too';
  if (typeof diastolic === 'number' && systolic === undefined) errors.systolic = 'Enter the systolic pressure too';
  if (typeof systolic === 'number' && typeof diastolic === 'number') {
    measurements.push({ type: 'blood-pressure', systolic, diastolic, unit: 'mm[Hg]' });
    fields.push('systolic');
  }
  if (!measurements.length && !Object.keys(errors).length) errors.temperature = 'Enter at least one measurement';
  return { measurements, fields, errors };
}

/** The form field a server error path (`measurements.3.value`, `measurements.4.diastolic`) is about. */
export function fieldOfErrorPath(path: string | undefined, fields: VitalsField[]): VitalsField | undefined {
  const match = /^measurements\.(\d+)(?:\.([a-z]+))?/.exec(path ?? '');
  if (!match) return undefined;
  const field = fields[Number(match[1])];
  if (!field) return undefined;
  if (field === 'systolic' && match[2] === 'diastolic') return 'diastolic';
  return field;
}

/** The server's message without its path prefix, in the form's units: "140 % is not a possible value (0 to 100 %)". */
export function fieldMessage(message: string): string {
  return message.replace(/^measurements\.\d+(\.[a-z]+)?: /, '');
}

const UNIT_LABELS: Record<string, string> = { Cel: '°C', '[degF]': '°F', 'mm[Hg]': 'mmHg', 'kg/m2': 'kg/m²' };

/** A UCUM unit as a person reads it: `mm[Hg]` as mmHg, `Cel` as °C. */
export function unitLabel(unit: string | undefined): string {
  return unit ? (UNIT_LABELS[unit] ?? unit) : '';
}

/** A point's value: one number, or systolic/diastolic for blood pressure. */
export function pointText(point: { value?: number; components?: Record<string, number> }, unit: string): string {
  const { value, components } = point;
  if (components) return `${components.systolic ?? '?'}/${components.diastolic ?? '?'} ${unitLabel(unit)}`;
  return value === undefined ? '—' : `${value} ${unitLabel(unit)}`;
}
