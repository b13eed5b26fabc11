import type { Coding } from '@medplum/fhirtypes';

export const LOINC = 'http://loinc.org';

export interface NoteSection {
  /** Stable key of the section in the API and its element id in the Composition. */
  key: string;
  title: string;
  code?: Coding;
}

export interface NoteTemplate {
  id: string;
  title: string;
  /** Composition.type. */
  type: Coding;
  sections: NoteSection[];
}

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });

/** The note templates a clinic starts with; section codes are LOINC document section codes. */
export const NOTE_TEMPLATES: readonly NoteTemplate[] = [
  {
    id: 'soap',
    title: 'SOAP note',
    type: loinc('11506-3', 'Progress note'),
    sections: [
      { key: 'subjective', title: 'Subjective', code: loinc('61150-9', 'Subjective Narrative') },
      { key: 'objective', title: 'Objective', code: loinc('61149-1', 'Objective Narrative') },
      { key: 'assessment', title: 'Assessment', code: loinc('51848-0', 'Evaluation note') },
      { key: 'plan', title: 'Plan', code: loinc('18776-5', 'Plan of care note') },
    ],
  },
  {
    id: 'progress',
    title: 'Progress note',
    type: loinc('11506-3', 'Progress note'),
    sections: [
      {
        key: 'interval-history',
        title: 'Interval history',
        code: loinc('10164-2', 'History of Present illness Narrative'),
      },
      { key: 'examination', title: 'Examination', code: loinc('29545-1', 'Physical findings Narrative') },
      { key: 'assessment', title: 'Assessment', code: loinc('51848-0', 'Evaluation note') },
      { key: 'plan', title: 'Plan', code: loinc('18776-5', 'Plan of care note') },
    ],
  },
  {
    id: 'discharge',
    title: 'Discharge summary',
    type: loinc('18842-5', 'Discharge summary'),
    sections: [
      { key: 'hospital-course', title: 'Hospital course', code: loinc('8648-8', 'Hospital course Narrative') },
      {
        key: 'discharge-diagnoses',
        title: 'Discharge diagnoses',
        code: loinc('11535-2', 'Hospital discharge Dx Narrative'),
      },
      {
        key: 'discharge-medications',
        title: 'Discharge medications',
        code: loinc('10183-2', 'Hospital discharge medications Narrative'),
      },
      {
        key: 'instructions',
        title: 'Discharge instructions',
        code: loinc('8653-8', 'Hospital Discharge instructions'),
      },
      { key: 'follow-up', title: 'Follow-up', code: loinc('18776-5', 'Plan of care note') },
    ],
  },
];

/** An addendum's one section: the correction or addition to a signed note. */
export const ADDENDUM_TEMPLATE: NoteTemplate = {
  id: 'addendum',
  title: 'Addendum',
  type: loinc('11506-3', 'Progress note'),
  sections: [{ key: 'addendum', title: 'Addendum' }],
};

export function templateById(id: string): NoteTemplate | undefined {
  if (id === ADDENDUM_TEMPLATE.id) return ADDENDUM_TEMPLATE;
  return NOTE_TEMPLATES.find((template) => template.id === id);
}
