import type { CodeableConcept, Coding, Extension } from '@medplum/fhirtypes';

/** Code systems the clinical lists write and read. */
export const SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  unii: 'http://fdasis.nlm.nih.gov',
  cpt: 'http://www.ama-assn.org/go/cpt',
  /** HCPCS Level II, as US Core names it. */
  hcpcs: 'urn:oid:2.16.840.1.113883.6.285',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  actSite: 'http://terminology.hl7.org/CodeSystem/v3-ActSite',
  route: 'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration',
  performerFunction: 'http://terminology.hl7.org/CodeSystem/v2-0443',
  /** Meridian's own keys for the body systems of an examination or review of systems. */
  bodySystem: 'https://meridian.health/fhir/CodeSystem/body-system',
} as const;

/** Short names a caller may use instead of a system URI. */
export const SYSTEM_ALIASES: Record<string, string> = {
  'icd-10-cm': SYSTEMS.icd10cm,
  icd10cm: SYSTEMS.icd10cm,
  snomed: SYSTEMS.snomed,
  sct: SYSTEMS.snomed,
  loinc: SYSTEMS.loinc,
  cvx: SYSTEMS.cvx,
  rxnorm: SYSTEMS.rxnorm,
  unii: SYSTEMS.unii,
  cpt: SYSTEMS.cpt,
  hcpcs: SYSTEMS.hcpcs,
};

/**
 * Laterality of a body site: the published mCODE laterality qualifier extension on the body site's
 * CodeableConcept, valued with the SNOMED CT qualifiers left, right and bilateral (right and left).
 */
export const LATERALITY_EXTENSION = 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier';
export const LATERALITY = {
  left: { system: SYSTEMS.snomed, code: '7771000', display: 'Left' },
  right: { system: SYSTEMS.snomed, code: '24028007', display: 'Right' },
  bilateral: { system: SYSTEMS.snomed, code: '51440002', display: 'Right and left' },
} as const satisfies Record<string, Coding>;
export type Laterality = keyof typeof LATERALITY;

/** "No known allergy" situations (SNOMED CT), by the category of substances they speak for. */
export const NO_KNOWN_ALLERGY = {
  all: { system: SYSTEMS.snomed, code: '716186003', display: 'No known allergy' },
  medication: { system: SYSTEMS.snomed, code: '409137002', display: 'No known drug allergy' },
  food: { system: SYSTEMS.snomed, code: '429625007', display: 'No known food allergy' },
  environment: { system: SYSTEMS.snomed, code: '428607008', display: 'No known environmental allergy' },
} as const satisfies Record<string, Coding>;
export type NoKnownScope = keyof typeof NO_KNOWN_ALLERGY;

/** The scope of a "no known allergy" record, or undefined when the AllergyIntolerance is a real one. */
export function noKnownScopeOf(code: CodeableConcept | undefined): NoKnownScope | undefined {
  for (const coding of code?.coding ?? []) {
    if (coding.system !== SYSTEMS.snomed) continue;
    const found = Object.entries(NO_KNOWN_ALLERGY).find(([, known]) => known.code === coding.code);
    if (found) return found[0] as NoKnownScope;
  }
  return undefined;
}

export function concept(coding: Coding, text?: string): CodeableConcept {
  return { coding: [coding], ...(text ? { text } : {}) };
}

export function codeOf(concept: CodeableConcept | undefined, system: string): string | undefined {
  return concept?.coding?.find((coding) => coding.system === system)?.code;
}

/** A body site with its laterality (mCODE laterality qualifier), its text naming both. */
export function bodySiteConcept(site: CodeableConcept, laterality?: Laterality): CodeableConcept {
  if (!laterality) return site;
  const qualifier = LATERALITY[laterality];
  const name = site.text ?? site.coding?.[0]?.display;
  const extension: Extension[] = [
    ...(site.extension ?? []),
    { url: LATERALITY_EXTENSION, valueCodeableConcept: concept(qualifier) },
  ];
  return {
    ...site,
    extension,
    ...(name ? { text: `${laterality === 'bilateral' ? 'Bilateral' : qualifier.display} ${name.toLowerCase()}` } : {}),
  };
}

export function lateralityOf(site: CodeableConcept | undefined): Laterality | undefined {
  const qualifier = site?.extension?.find((extension) => extension.url === LATERALITY_EXTENSION);
  const code = qualifier?.valueCodeableConcept?.coding?.[0]?.code;
  return (Object.keys(LATERALITY) as Laterality[]).find((key) => LATERALITY[key].code === code);
}
