/** The code systems Meridian knows by name: canonical URL, short aliases, and what they are. */
export interface KnownCodeSystem {
  url: string;
  /** Short names accepted by the CLI and the type-ahead route (`icd-10-cm`, `loinc`, ...). */
  aliases: string[];
  name: string;
  title: string;
  /** Whether concepts have parents (is-a expansions, :below). */
  hierarchical: boolean;
  /** Who publishes it and under what terms (docs/terminology.md says more). */
  license: string;
}

export const ICD_10_CM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const LOINC = 'http://loinc.org';
export const CVX = 'http://hl7.org/fhir/sid/cvx';
export const UCUM = 'http://unitsofmeasure.org';

export const KNOWN_CODE_SYSTEMS: readonly KnownCodeSystem[] = [
  {
    url: ICD_10_CM,
    aliases: ['icd-10-cm', 'icd10cm', 'icd10'],
    name: 'ICD10CM',
    title: 'ICD-10-CM (International Classification of Diseases, 10th Revision, Clinical Modification)',
    hierarchical: true,
    license: 'Public domain (CDC National Center for Health Statistics / CMS)',
  },
  {
    url: LOINC,
    aliases: ['loinc'],
    name: 'LOINC',
    title: 'LOINC (Logical Observation Identifiers Names and Codes)',
    hierarchical: false,
    license:
      'This material contains content from LOINC (http://loinc.org). LOINC is copyright © Regenstrief Institute, Inc. and the LOINC Committee and is available at no cost under the license at http://loinc.org/license.',
  },
  {
    url: CVX,
    aliases: ['cvx'],
    name: 'CVX',
    title: 'CVX (CDC vaccines administered)',
    hierarchical: false,
    license: 'Public domain (CDC National Center for Immunization and Respiratory Diseases)',
  },
  {
    url: UCUM,
    aliases: ['ucum'],
    name: 'UCUM',
    title: 'UCUM (Unified Code for Units of Measure)',
    hierarchical: false,
    license:
      'Copyright © Regenstrief Institute, Inc.; used under the UCUM Terms of Use (https://ucum.org/trac/wiki/TermsOfUse)',
  },
];

/** The canonical URL for a URL or an alias; unknown names are returned as given (an imported custom system). */
export function resolveSystem(nameOrUrl: string): string {
  const wanted = nameOrUrl.trim();
  const lower = wanted.toLowerCase();
  const known = KNOWN_CODE_SYSTEMS.find((system) => system.url === wanted || system.aliases.includes(lower));
  return known?.url ?? wanted;
}

export function knownSystem(url: string): KnownCodeSystem | undefined {
  return KNOWN_CODE_SYSTEMS.find((system) => system.url === url);
}
