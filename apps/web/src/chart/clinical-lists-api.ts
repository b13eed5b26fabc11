import type { AllergyIntolerance, Condition, Immunization, Procedure } from '@medplum/fhirtypes';
import type { HttpClient } from '../api/http-client';
import type { Assessment, AssessmentCatalog, NewAssessment } from './assessments';

/** What every list of the clinical-lists API answers. */
export interface ListAnswer<T> {
  items: T[];
  truncated: boolean;
}

/** A coded value or free text, as the clinical-lists API takes it. */
export type CodedInput = string | { system: string; code: string; display?: string; text?: string };

/** The lists whose entries can be marked entered in error (POST …/{itemId}/entered-in-error). */
export type ListPath = 'problems' | 'allergies' | 'immunizations' | 'procedures' | 'assessments';

export interface NewProblem {
  code?: { code: string; display?: string };
  text?: string;
  onset?: string;
  note?: string;
}

export interface NewAllergy {
  substance: CodedInput;
  category?: ('food' | 'medication' | 'environment' | 'biologic')[];
  criticality?: 'low' | 'high' | 'unable-to-assess';
  reactions: ReactionInput[];
  note?: string;
  replaceNoKnownAllergies?: boolean;
}

export type ReactionSeverity = 'mild' | 'moderate' | 'severe';
export type ReactionInput = {
  manifestations: CodedInput[];
  severity?: ReactionSeverity;
  description?: string;
  onset?: string;
  substance?: CodedInput;
};

/** PATCH /patients/{id}/problems/{itemId}: only what is given changes; null clears. */
export interface ProblemChanges {
  onset?: string | null;
  severity?: ReactionSeverity | null;
  clinicalStatus?: string;
  /** The date of the clinical status change (resolved on, came back on). */
  date?: string;
  verificationStatus?: string;
  note?: string;
}

/** PATCH /patients/{id}/allergies/{itemId}: only what is given changes; reactions replace the list. */
export interface AllergyChanges {
  criticality?: 'low' | 'high' | 'unable-to-assess' | null;
  reactions?: ReactionInput[];
  clinicalStatus?: string;
  verificationStatus?: string;
  note?: string;
  replaceNoKnownAllergies?: boolean;
}

export interface NewImmunization {
  vaccine: { code: string; display?: string };
  occurrence?: string;
  lotNumber?: string;
  site?: string;
  route?: string;
  doseNumber?: number;
}

export interface NewProcedure {
  code: CodedInput;
  performed?: string;
  note?: string;
}

/** One concept of a code system's type-ahead (GET /terminology/search). */
export interface Concept {
  code: string;
  display: string;
  inactive?: boolean;
}

export function clinicalListsApi(http: HttpClient) {
  const base = (patientId: string, list: string) => `/patients/${encodeURIComponent(patientId)}/${list}`;
  const get = async <T>(path: string, signal?: AbortSignal) =>
    (await http.request<T>(path, signal ? { signal } : {})).body;
  const post = async <T>(path: string, body: unknown = {}) =>
    (await http.request<T>(path, { method: 'POST', body })).body;
  const patch = async <T>(path: string, body: unknown) => (await http.request<T>(path, { method: 'PATCH', body })).body;
  const one = (patientId: string, list: string, id: string) => `${base(patientId, list)}/${encodeURIComponent(id)}`;
  const item = (patientId: string, list: string, id: string, action: string) => `${one(patientId, list, id)}/${action}`;
  return {
    enteredInError: (patientId: string, list: ListPath, id: string, reason: string) =>
      post<unknown>(item(patientId, list, id, 'entered-in-error'), { reason }),

    problems: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Condition>>(base(patientId, 'problems'), signal),
    addProblem: (patientId: string, input: NewProblem) => post<Condition>(base(patientId, 'problems'), input),
    resolveProblem: (patientId: string, id: string) => post<Condition>(item(patientId, 'problems', id, 'resolve')),
    problemRecurred: (patientId: string, id: string) => post<Condition>(item(patientId, 'problems', id, 'recurrence')),
    editProblem: (patientId: string, id: string, changes: ProblemChanges) =>
      patch<Condition>(one(patientId, 'problems', id), changes),

    allergies: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<AllergyIntolerance>>(base(patientId, 'allergies'), signal),
    addAllergy: (patientId: string, input: NewAllergy) => post<AllergyIntolerance>(base(patientId, 'allergies'), input),
    noKnownAllergies: (patientId: string) =>
      post<AllergyIntolerance>(`${base(patientId, 'allergies')}/no-known`, { scope: 'all' }),
    setAllergyStatus: (patientId: string, id: string, clinicalStatus: 'active' | 'inactive' | 'resolved') =>
      post<AllergyIntolerance>(item(patientId, 'allergies', id, 'status'), { clinicalStatus }),
    editAllergy: (patientId: string, id: string, changes: AllergyChanges) =>
      patch<AllergyIntolerance>(one(patientId, 'allergies', id), changes),

    immunizations: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Immunization>>(base(patientId, 'immunizations'), signal),
    addImmunization: (patientId: string, input: NewImmunization) =>
      post<Immunization>(base(patientId, 'immunizations'), input),

    procedures: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Procedure>>(base(patientId, 'procedures'), signal),
    addProcedure: (patientId: string, input: NewProcedure) => post<Procedure>(base(patientId, 'procedures'), input),

    assessments: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Assessment>>(base(patientId, 'assessments'), signal),
    assessmentCatalog: (signal?: AbortSignal) => get<AssessmentCatalog>('/assessments/systems', signal),
    recordAssessment: (patientId: string, input: NewAssessment) =>
      post<Assessment>(base(patientId, 'assessments'), input),

    searchCodes: async (system: string, q: string, signal?: AbortSignal) => {
      const query = new URLSearchParams({ system, q, limit: '15' });
      return (await get<{ results: Concept[] }>(`/terminology/search?${query}`, signal)).results;
    },
  };
}
export type ClinicalListsApi = ReturnType<typeof clinicalListsApi>;
