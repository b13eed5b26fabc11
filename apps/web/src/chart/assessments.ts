import type { CodeableConcept, Observation } from '@medplum/fhirtypes';

export type AssessmentKind = 'physical-exam' | 'review-of-systems';
export type SystemStatus = 'normal' | 'abnormal';

/** GET /assessments/systems: the kinds of assessment and the body systems the server takes. */
export interface AssessmentCatalog {
  kinds: { kind: AssessmentKind; category: string; code: { code: string; display: string } }[];
  systems: { system: string; display: string; examples: string }[];
  lateralities: string[];
}

/** An assessment as the clinical-lists API answers it: the panel, each system, each finding at a site. */
export interface Assessment {
  id: string;
  kind?: AssessmentKind;
  status: string;
  effective?: string;
  encounter?: string;
  systems: { system?: string; display?: string; status?: SystemStatus; finding?: string }[];
  findings: {
    id: string;
    system?: string;
    site?: CodeableConcept;
    laterality?: string;
    finding?: CodeableConcept;
    interpretation?: SystemStatus;
  }[];
  observation: Observation;
  members: Observation[];
}

export interface NewAssessment {
  kind: AssessmentKind;
  effective?: string;
  systems: { system: string; status: SystemStatus; finding?: string }[];
  note?: string;
}

export const KIND_LABELS: Record<AssessmentKind, string> = {
  'physical-exam': 'Physical examination',
  'review-of-systems': 'Review of systems',
};

/** What the form holds for each body system: not part of this assessment, normal or abnormal. */
export type SystemChoice = 'not-examined' | SystemStatus;

export interface AssessmentForm {
  kind: AssessmentKind;
  /** YYYY-MM-DD, or empty for now. */
  effective: string;
  systems: Record<string, { status: SystemChoice; finding: string }>;
  note: string;
}

/**
 * The request for a filled form, systems in the catalog's order. `order` says which system each entry of
 * `systems` is, since the server names a refused entry by its position (`systems.2.finding`).
 */
export function assessmentRequest(
  form: AssessmentForm,
  catalog: readonly string[],
): { body: NewAssessment; order: string[] } {
  const order = catalog.filter((key) => (form.systems[key]?.status ?? 'not-examined') !== 'not-examined');
  const systems = order.map((key) => {
    const entry = form.systems[key]!;
    const finding = entry.finding.trim();
    return { system: key, status: entry.status as SystemStatus, ...(finding ? { finding } : {}) };
  });
  const note = form.note.trim();
  return {
    body: {
      kind: form.kind,
      ...(form.effective ? { effective: form.effective } : {}),
      systems,
      ...(note ? { note } : {}),
    },
    order,
  };
}

/** The form's fields: the whole form's, and each system's result and finding (`finding:respiratory`). */
export type AssessmentField = 'kind' | 'effective' | 'systems' | 'note' | `finding:${string}` | `status:${string}`;

/** The field a refusal's path names, given the order the systems were sent in. */
export function assessmentField(path: string, order: readonly string[]): AssessmentField | undefined {
  const [head, index, leaf] = path.split('.');
  if (head === 'systems' && index !== undefined) {
    const key = order[Number(index)];
    if (key) return leaf === 'finding' ? `finding:${key}` : `status:${key}`;
  }
  return head === 'kind' || head === 'effective' || head === 'systems' || head === 'note' ? head : undefined;
}

export interface SystemLine {
  label: string;
  finding?: string;
}

/**
 * What an assessment found, abnormal apart from normal (and from records that do not say): each body
 * system, then each finding at a body site (named by its system, the site and its laterality).
 */
export function assessmentLines(
  assessment: Assessment,
  systemNames: ReadonlyMap<string, string>,
): { abnormal: SystemLine[]; normal: SystemLine[]; unstated: SystemLine[] } {
  const name = (key: string | undefined, display?: string) => display ?? systemNames.get(key ?? '') ?? key ?? 'System';
  const lines: (SystemLine & { status?: SystemStatus })[] = [
    ...assessment.systems.map((entry) => ({
      label: name(entry.system, entry.display),
      status: entry.status,
      ...(entry.finding ? { finding: entry.finding } : {}),
    })),
    ...assessment.findings.map((entry) => {
      const site = [entry.site?.text ?? entry.site?.coding?.[0]?.display, entry.laterality].filter(Boolean).join(', ');
      const finding = entry.finding?.text ?? entry.finding?.coding?.[0]?.display ?? entry.finding?.coding?.[0]?.code;
      return {
        label: site ? `${name(entry.system)}, ${site}` : name(entry.system),
        status: entry.interpretation,
        ...(finding ? { finding } : {}),
      };
    }),
  ];
  const strip = ({ status: _status, ...line }: SystemLine & { status?: SystemStatus }) => line;
  return {
    abnormal: lines.filter((line) => line.status === 'abnormal').map(strip),
    normal: lines.filter((line) => line.status === 'normal').map(strip),
    unstated: lines.filter((line) => !line.status).map(strip),
  };
}
