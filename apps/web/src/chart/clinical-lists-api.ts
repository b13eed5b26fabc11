import type { AllergyIntolerance, Condition, Immunization, Procedure } from '@medplum/fhirtypes';
import type { HttpClient } from '../api/http-client';

/** What every list of the clinical-lists API answers. */
export interface ListAnswer<T> {
  items: T[];
  truncated: boolean;
}

/** A coded value or free text, as the clinical-lists API takes it. */
export type CodedInput = string | { system: string; code: string; display?: string; text?: string };

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
  reactions: { manifestations: CodedInput[]; severity?: 'mild' | 'moderate' | 'severe' }[];
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
  const item = (patientId: string, list: string, id: string, action: string) =>
    `${base(patientId, list)}/${encodeURIComponent(id)}/${action}`;
  return {
    problems: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Condition>>(base(patientId, 'problems'), signal),
    addProblem: (patientId: string, input: NewProblem) => post<Condition>(base(patientId, 'problems'), input),
    resolveProblem: (patientId: string, id: string) => post<Condition>(item(patientId, 'problems', id, 'resolve')),
    problemRecurred: (patientId: string, id: string) => post<Condition>(item(patientId, 'problems', id, 'recurrence')),

    allergies: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<AllergyIntolerance>>(base(patientId, 'allergies'), signal),
    addAllergy: (patientId: string, input: NewAllergy) => post<AllergyIntolerance>(base(patientId, 'allergies'), input),
    noKnownAllergies: (patientId: string) =>
      post<AllergyIntolerance>(`${base(patientId, 'allergies')}/no-known`, { scope: 'all' }),
    setAllergyStatus: (patientId: string, id: string, clinicalStatus: 'active' | 'inactive' | 'resolved') =>
      post<AllergyIntolerance>(item(patientId, 'allergies', id, 'status'), { clinicalStatus }),

    immunizations: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Immunization>>(base(patientId, 'immunizations'), signal),
    addImmunization: (patientId: string, input: NewImmunization) =>
      post<Immunization>(base(patientId, 'immunizations'), input),

    procedures: (patientId: string, signal?: AbortSignal) =>
      get<ListAnswer<Procedure>>(base(patientId, 'procedures'), signal),
    addProcedure: (patientId: string, input: NewProcedure) => post<Procedure>(base(patientId, 'procedures'), input),

    searchCodes: async (system: string, q: string, signal?: AbortSignal) => {
      const query = new URLSearchParams({ system, q, limit: '15' });
      return (await get<{ results: Concept[] }>(`/terminology/search?${query}`, signal)).results;
    },
  };
}
export type ClinicalListsApi = ReturnType<typeof clinicalListsApi>;
