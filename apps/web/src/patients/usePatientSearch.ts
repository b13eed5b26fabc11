import type { Patient } from '@medplum/fhirtypes';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { SearchResult } from '../api/fhir-client';
import { useFhir } from '../api/useApi';
import { isSearchable, patientSearches } from './patient-search-query';

/**
 * Patients matching what a person typed (name parts, identifier, birth date, phone). A phone-like entry
 * runs two searches (phone and identifier) at once; their patients are merged, each once.
 */
export function usePatientSearch(text: string, count: number) {
  const fhir = useFhir();
  const searches = patientSearches(text);
  return useQuery({
    queryKey: ['fhir', 'Patient', 'search', searches, count],
    queryFn: async ({ signal }): Promise<Pick<SearchResult<Patient>, 'resources' | 'total'>> => {
      const results = await Promise.all(
        searches.map((params) => fhir.search('Patient', [...params, ['_count', String(count)]], signal)),
      );
      if (results.length === 1) return results[0]!;
      const seen = new Set<string>();
      const resources = results
        .flatMap((result) => result.resources)
        .filter((patient) => !patient.id || (!seen.has(patient.id) && seen.add(patient.id)));
      // Each search counted its own matches; merged, only what is on hand is certain.
      return { resources: resources.slice(0, count), total: resources.length };
    },
    enabled: isSearchable(text) && searches.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
