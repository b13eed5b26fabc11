import type { AllergyIntolerance, Condition, Immunization, Procedure } from '@medplum/fhirtypes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../api/useApi';
import type { Assessment } from './assessments';
import { clinicalListsApi, type ListAnswer } from './clinical-lists-api';
import { ordersApi } from './orders-api';

export function useClinicalListsApi() {
  const { http } = useApi();
  return useMemo(() => clinicalListsApi(http), [http]);
}

export function useOrdersApi() {
  const { http } = useApi();
  return useMemo(() => ordersApi(http), [http]);
}

export type ListName = 'problems' | 'allergies' | 'immunizations' | 'procedures' | 'assessments';

/** The FHIR type behind each list: the banner and read-only tabs cache it under ['fhir', type, 'chart', id]. */
const FHIR_TYPE: Record<ListName, string> = {
  problems: 'Condition',
  allergies: 'AllergyIntolerance',
  immunizations: 'Immunization',
  procedures: 'Procedure',
  assessments: 'Observation',
};

interface ListItem {
  problems: Condition;
  allergies: AllergyIntolerance;
  immunizations: Immunization;
  procedures: Procedure;
  assessments: Assessment;
}

export function useClinicalList<L extends ListName>(list: L, patientId: string) {
  const api = useClinicalListsApi();
  const load = api[list] as (patientId: string, signal?: AbortSignal) => Promise<ListAnswer<ListItem[L]>>;
  return useQuery({
    queryKey: ['clinical-lists', list, patientId],
    queryFn: ({ signal }) => load(patientId, signal),
  });
}

/** A change to one list; on success the list, and the chart's FHIR views of it (banner), are reloaded. */
export function useListChange<A>(list: ListName, patientId: string, change: (args: A) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: change,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['clinical-lists', list, patientId] }),
        queryClient.invalidateQueries({ queryKey: ['fhir', FHIR_TYPE[list], 'chart', patientId] }),
      ]),
  });
}

/** Names of common analytes by LOINC code (from the shipped reference ranges), for results sent by code alone. */
export function useAnalyteNames(): Map<string, string> {
  const api = useOrdersApi();
  const ranges = useQuery({
    queryKey: ['orders', 'reference-ranges'],
    queryFn: ({ signal }) => api.referenceRanges(signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  return useMemo(() => new Map((ranges.data ?? []).map((range) => [range.code, range.display])), [ranges.data]);
}
