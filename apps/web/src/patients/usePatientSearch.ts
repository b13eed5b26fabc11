import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useFhir } from '../api/useApi';
import { isSearchable, patientSearchParams } from './patient-search-query';

/** Patients matching what a person typed (name parts, identifier, birth date). */
export function usePatientSearch(text: string, count: number) {
  const fhir = useFhir();
  const params = patientSearchParams(text);
  return useQuery({
    queryKey: ['fhir', 'Patient', 'search', params, count],
    queryFn: ({ signal }) => fhir.search('Patient', [...params, ['_count', String(count)]], signal),
    enabled: isSearchable(text) && params.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
