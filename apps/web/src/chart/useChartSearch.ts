import type { ResourceType } from '@medplum/fhirtypes';
import { useQuery } from '@tanstack/react-query';
import { useFhir } from '../api/useApi';

export const CHART_PAGE_SIZE = 100;

/** One list of the chart: every `type` whose `patient` is this patient. Shared by the tab and the banner. */
export function useChartSearch(resourceType: ResourceType, patientId: string, enabled = true) {
  const fhir = useFhir();
  return useQuery({
    queryKey: ['fhir', resourceType, 'chart', patientId],
    queryFn: ({ signal }) =>
      fhir.search(
        resourceType,
        [
          ['patient', `Patient/${patientId}`],
          ['_count', String(CHART_PAGE_SIZE)],
        ],
        signal,
      ),
    enabled,
  });
}
