import ucum from '@lhncbc/ucum-lhc';

export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

const utils = ucum.UcumLhcUtils.getInstance();

export type Conversion = { ok: true; value: number } | { ok: false; reason: string };

/** Converts with NLM's UCUM library, so °F, lb, in and every other UCUM unit convert exactly. */
export function convertUnit(value: number, from: string, to: string): Conversion {
  if (from === to) return { ok: true, value };
  const validity = utils.validateUnitString(from);
  if (validity.status !== 'valid') return { ok: false, reason: `'${from}' is not a UCUM unit` };
  const result = utils.convertUnitTo(from, value, to);
  if (result.status !== 'succeeded' || result.toVal === null || !Number.isFinite(result.toVal)) {
    return { ok: false, reason: `'${from}' cannot be converted to '${to}'` };
  }
  return { ok: true, value: result.toVal };
}

/** Rounds a converted value so conversion noise (69.85322498…) does not pose as precision. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
