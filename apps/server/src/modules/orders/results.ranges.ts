/**
 * Adult reference intervals and critical limits shipped for common analytes, by LOINC code, used when a
 * result comes without a range of its own. They are the widely published adult intervals; every lab has
 * its own, and a lab's range posted with the result always wins. Analytes whose interval depends on sex
 * or age (hemoglobin, creatinine, ...) are left out on purpose: without the lab's range, no flag is
 * better than a wrong one.
 */
export interface ShippedRange {
  code: string;
  display: string;
  /** UCUM unit the limits are in; values in other units are converted when UCUM can. */
  unit: string;
  low: number;
  high: number;
  criticalLow?: number;
  criticalHigh?: number;
}

export const SHIPPED_RANGES: readonly ShippedRange[] = [
  {
    code: '2823-3',
    display: 'Potassium [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    low: 3.5,
    high: 5.1,
    criticalLow: 2.5,
    criticalHigh: 6.5,
  },
  {
    code: '2951-2',
    display: 'Sodium [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    low: 135,
    high: 145,
    criticalLow: 120,
    criticalHigh: 160,
  },
  { code: '2075-0', display: 'Chloride [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 98, high: 107 },
  {
    code: '2028-9',
    display: 'Carbon dioxide, total [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    low: 22,
    high: 29,
    criticalLow: 10,
    criticalHigh: 40,
  },
  {
    code: '2345-7',
    display: 'Glucose [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    low: 70,
    high: 99,
    criticalLow: 40,
    criticalHigh: 500,
  },
  {
    code: '17861-6',
    display: 'Calcium [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    low: 8.6,
    high: 10.3,
    criticalLow: 6,
    criticalHigh: 13,
  },
  { code: '3094-0', display: 'Urea nitrogen [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 7, high: 20 },
  {
    code: '6690-2',
    display: 'Leukocytes [#/volume] in Blood by Automated count',
    unit: '10*3/uL',
    low: 4.5,
    high: 11,
    criticalLow: 2,
    criticalHigh: 30,
  },
  {
    code: '777-3',
    display: 'Platelets [#/volume] in Blood by Automated count',
    unit: '10*3/uL',
    low: 150,
    high: 400,
    criticalLow: 20,
    criticalHigh: 1000,
  },
];

const BY_CODE = new Map(SHIPPED_RANGES.map((range) => [range.code, range]));

export function shippedRangeOf(loincCode: string | undefined): ShippedRange | undefined {
  return loincCode ? BY_CODE.get(loincCode) : undefined;
}
