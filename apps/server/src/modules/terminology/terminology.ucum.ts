import ucum from '@lhncbc/ucum-lhc';
import type { Concept } from './terminology.store';

const utils = ucum.UcumLhcUtils.getInstance();

interface UnitValidation {
  status: 'valid' | 'invalid' | 'error';
  ucumCode?: string | null;
  unit?: { name?: string | null } | null;
  msg: string[];
}

/**
 * UCUM is a grammar, not a list: `mg/dL`, `10*3/uL` and `mL/min/{1.73_m2}` are all codes. Validation
 * asks NLM's UCUM library; the list below is only what a type-ahead offers first.
 */
export function checkUcum(code: string): { valid: true; name: string } | { valid: false; message: string } {
  const result = utils.validateUnitString(code) as UnitValidation;
  if (result.status === 'valid' && result.ucumCode === code) {
    return { valid: true, name: result.unit?.name || code };
  }
  const message = result.msg.find(Boolean)?.replace(/\s+/g, ' ').trim() ?? `'${code}' is not a valid UCUM code`;
  return { valid: false, message };
}

/** Units a clinic records day to day: vital signs, common lab results, doses and durations. */
export const COMMON_UNITS: readonly (readonly [code: string, display: string])[] = [
  // mass, volume, length
  ['kg', 'kilogram'],
  ['g', 'gram'],
  ['mg', 'milligram'],
  ['ug', 'microgram'],
  ['ng', 'nanogram'],
  ['[lb_av]', 'pound'],
  ['[oz_av]', 'ounce'],
  ['L', 'liter'],
  ['dL', 'deciliter'],
  ['mL', 'milliliter'],
  ['uL', 'microliter'],
  ['fL', 'femtoliter'],
  ['m', 'meter'],
  ['cm', 'centimeter'],
  ['mm', 'millimeter'],
  ['[in_i]', 'inch'],
  ['[ft_i]', 'foot'],
  // vital signs
  ['Cel', 'degree Celsius'],
  ['[degF]', 'degree Fahrenheit'],
  ['/min', 'per minute'],
  ['%', 'percent'],
  ['mm[Hg]', 'millimeter of mercury'],
  ['kg/m2', 'kilogram per square meter'],
  ['m2', 'square meter'],
  // lab concentrations
  ['mg/dL', 'milligram per deciliter'],
  ['g/dL', 'gram per deciliter'],
  ['g/L', 'gram per liter'],
  ['mg/L', 'milligram per liter'],
  ['ug/dL', 'microgram per deciliter'],
  ['ug/L', 'microgram per liter'],
  ['ng/mL', 'nanogram per milliliter'],
  ['pg/mL', 'picogram per milliliter'],
  ['mmol/L', 'millimole per liter'],
  ['umol/L', 'micromole per liter'],
  ['nmol/L', 'nanomole per liter'],
  ['pmol/L', 'picomole per liter'],
  ['meq/L', 'milliequivalent per liter'],
  ['U/L', 'enzyme unit per liter'],
  ['[IU]/L', 'international unit per liter'],
  ['m[IU]/L', 'milli international unit per liter'],
  ['u[IU]/mL', 'micro international unit per milliliter'],
  ['10*3/uL', 'thousand per microliter'],
  ['10*6/uL', 'million per microliter'],
  ['10*9/L', 'billion per liter'],
  ['10*12/L', 'trillion per liter'],
  ['pg', 'picogram'],
  ['mL/min', 'milliliter per minute'],
  ['mL/min/{1.73_m2}', 'milliliter per minute per 1.73 square meter'],
  ['[pH]', 'pH'],
  ['{ratio}', 'ratio'],
  ['s', 'second'],
  // doses and rates
  ['mg/kg', 'milligram per kilogram'],
  ['mg/kg/d', 'milligram per kilogram per day'],
  ['mL/h', 'milliliter per hour'],
  ['mL/kg/h', 'milliliter per kilogram per hour'],
  ['[drp]', 'drop'],
  ['{tbl}', 'tablet'],
  ['[iU]', 'international unit'],
  // durations
  ['min', 'minute'],
  ['h', 'hour'],
  ['d', 'day'],
  ['wk', 'week'],
  ['mo', 'month'],
  ['a', 'year'],
];

/** The shipped UCUM concepts (each checked against the UCUM library). */
export function commonUnitConcepts(): Concept[] {
  return COMMON_UNITS.map(([code, display]) => {
    const checked = checkUcum(code);
    if (!checked.valid) throw new Error(`Shipped UCUM unit ${code} is not valid: ${checked.message}`);
    return { code, display, abstract: false, inactive: false, properties: {} };
  });
}
