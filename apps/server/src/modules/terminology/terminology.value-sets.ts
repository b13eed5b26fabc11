import type { ConceptConstraint } from './terminology.store';
import { CVX, ICD_10_CM, KNOWN_CODE_SYSTEMS, LOINC, UCUM } from './terminology.systems';

/** A value set Meridian can expand: one code system, optionally narrowed. */
export interface ValueSetDefinition {
  url: string;
  name: string;
  title: string;
  system: string;
  constraint: ConceptConstraint;
}

const MERIDIAN_VS = 'https://meridian.health/fhir/ValueSet';

/** Meridian's own value sets, over the shipped (or imported) code systems. */
export const MERIDIAN_VALUE_SETS: readonly ValueSetDefinition[] = [
  {
    url: `${MERIDIAN_VS}/diagnoses`,
    name: 'MeridianDiagnoses',
    title: 'Diagnoses (ICD-10-CM codes that may be recorded and billed, not categories)',
    system: ICD_10_CM,
    constraint: { selectableOnly: true },
  },
  {
    url: `${MERIDIAN_VS}/vital-signs`,
    name: 'MeridianVitalSigns',
    title: 'Vital signs (LOINC)',
    system: LOINC,
    constraint: { group: 'vital-signs' },
  },
  {
    url: `${MERIDIAN_VS}/lab-tests`,
    name: 'MeridianLabTests',
    title: 'Common laboratory tests and panels (LOINC)',
    system: LOINC,
    constraint: { group: 'lab' },
  },
  {
    url: `${MERIDIAN_VS}/lab-panels`,
    name: 'MeridianLabPanels',
    title: 'Common laboratory panels (LOINC)',
    system: LOINC,
    constraint: { group: 'lab-panel' },
  },
  {
    url: `${MERIDIAN_VS}/vaccines`,
    name: 'MeridianVaccines',
    title: 'Vaccines administered (CVX, active codes)',
    system: CVX,
    constraint: { activeOnly: true },
  },
  {
    url: `${MERIDIAN_VS}/units`,
    name: 'MeridianUnits',
    title: 'Common units of measure (UCUM)',
    system: UCUM,
    constraint: {},
  },
];

/**
 * A value set by URL: one of Meridian's, or a code system's implicit value set as FHIR defines them
 * (`[system]?fhir_vs` for every code, `[system]?fhir_vs=isa/[code]` for a concept and its descendants).
 * Imported custom systems have implicit value sets too, so `systems` lists what is loaded.
 */
export function resolveValueSet(url: string, loadedSystems: readonly string[]): ValueSetDefinition | undefined {
  const own = MERIDIAN_VALUE_SETS.find((valueSet) => valueSet.url === url);
  if (own) return own;
  const match = /^(.+)\?fhir_vs(?:=(.*))?$/.exec(url);
  if (!match) return undefined;
  const system = match[1]!;
  if (!loadedSystems.includes(system) && !KNOWN_CODE_SYSTEMS.some((known) => known.url === system)) return undefined;
  const selector = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  const known = KNOWN_CODE_SYSTEMS.find((entry) => entry.url === system);
  const base = { url, name: `${known?.name ?? 'CodeSystem'}ImplicitValueSet`, system };
  if (selector === undefined || selector === '') {
    return { ...base, title: `All codes of ${known?.title ?? system}`, constraint: {} };
  }
  const isA = /^isa\/(.+)$/.exec(selector);
  if (isA) return { ...base, title: `${isA[1]} and what it subsumes`, constraint: { isA: isA[1]! } };
  return undefined;
}
