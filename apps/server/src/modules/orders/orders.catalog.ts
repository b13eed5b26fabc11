import type { CodeableConcept, Coding, Identifier } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const REPORT_CATEGORY = 'http://terminology.hl7.org/CodeSystem/v2-0074';
export const COMMUNICATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/communication-category';
export const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';

export const ORDER_KINDS = ['lab', 'imaging'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** ServiceRequest.category per kind (SNOMED CT, as in the FHIR example value set). */
export const ORDER_CATEGORY: Record<OrderKind, Coding> = {
  lab: { system: SNOMED, code: '108252007', display: 'Laboratory procedure' },
  imaging: { system: SNOMED, code: '363679005', display: 'Imaging' },
};

export function kindOf(category: CodeableConcept[] | undefined): OrderKind | undefined {
  const codes = (category ?? []).flatMap((concept) => concept.coding ?? []).map((coding) => coding.code);
  return (Object.keys(ORDER_CATEGORY) as OrderKind[]).find((kind) => codes.includes(ORDER_CATEGORY[kind].code));
}

/** FHIR request priorities, least to most pressing. */
export const PRIORITIES = ['routine', 'urgent', 'asap', 'stat'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** How long an order of each priority may wait for a result before the inbox calls it overdue (ms). */
export const DEFAULT_OVERDUE_AFTER: Record<Priority, number> = {
  stat: 60 * 60 * 1000,
  asap: 4 * 60 * 60 * 1000,
  urgent: 24 * 60 * 60 * 1000,
  routine: 7 * 24 * 60 * 60 * 1000,
};

/** Specimen types a lab order may ask for (SNOMED CT specimen hierarchy). */
export const SPECIMEN_TYPES: Record<string, Coding> = {
  blood: { system: SNOMED, code: '119297000', display: 'Blood specimen' },
  serum: { system: SNOMED, code: '119364003', display: 'Serum specimen' },
  plasma: { system: SNOMED, code: '119361006', display: 'Plasma specimen' },
  urine: { system: SNOMED, code: '122575003', display: 'Urine specimen' },
  stool: { system: SNOMED, code: '119339001', display: 'Stool specimen' },
  sputum: { system: SNOMED, code: '119334006', display: 'Sputum specimen' },
  csf: { system: SNOMED, code: '258450006', display: 'Cerebrospinal fluid sample' },
};

/** Imaging modalities (DICOM CID 29 acquisition modalities, DCM codes). */
export const MODALITIES: Record<string, string> = {
  CR: 'Computed Radiography',
  CT: 'Computed Tomography',
  DX: 'Digital Radiography',
  MG: 'Mammography',
  MR: 'Magnetic Resonance',
  NM: 'Nuclear Medicine',
  PT: 'Positron emission tomography',
  RF: 'Radio Fluoroscopy',
  US: 'Ultrasound',
  XA: 'X-Ray Angiography',
};

/** Laterality qualifiers (SNOMED CT). */
export const LATERALITY: Record<string, Coding> = {
  left: { system: SNOMED, code: '7771000', display: 'Left' },
  right: { system: SNOMED, code: '24028007', display: 'Right' },
  bilateral: { system: SNOMED, code: '51440002', display: 'Right and left' },
};
/** Extension on a body site CodeableConcept: its laterality (R4 ServiceRequest has no element for it). */
export const LATERALITY_EXTENSION = 'https://meridian.health/fhir/StructureDefinition/laterality';

export function accessionSystem(tenantId: string): string {
  return `https://meridian.health/fhir/identifier/accession/${tenantId}`;
}

export function accessionIdentifier(tenantId: string, value: string): Identifier {
  return {
    use: 'official',
    type: { coding: [{ system: V2_0203, code: 'ACSN', display: 'Accession ID' }], text: 'Accession number' },
    system: accessionSystem(tenantId),
    value,
  };
}

/** `A26-000123`: the year the number was issued and the tenant's sequence (it never restarts). */
export function formatAccession(sequence: number, at: Date): string {
  const year = String(at.getUTCFullYear() % 100).padStart(2, '0');
  return `A${year}-${String(sequence).padStart(6, '0')}`;
}

export const ACCESSION_PATTERN = /^A\d{2}-\d{6,}$/;
