import type { ResourceType } from '@medplum/fhirtypes';
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FhirClient } from '../api/fhir-client';
import { useFhir } from '../api/useApi';
import { chartSearchParams } from './chart-requests';

export { CHART_PAGE_SIZE } from './chart-requests';

/** The query of one chart list, so a hook and a prefetch share one cache entry. */
function chartSearchOptions(fhir: FhirClient, resourceType: ResourceType, patientId: string) {
  return queryOptions({
    queryKey: ['fhir', resourceType, 'chart', patientId],
    queryFn: ({ signal }) => fhir.search(resourceType, chartSearchParams(patientId), signal),
  });
}

/** One list of the chart: every `type` whose `patient` is this patient. Shared by the tab and the banner. */
export function useChartSearch(resourceType: ResourceType, patientId: string, enabled = true) {
  const fhir = useFhir();
  return useQuery({ ...chartSearchOptions(fhir, resourceType, patientId), enabled });
}

/**
 * Starts the lists the first screen of the chart shows while the patient is still being read, so they
 * arrive together instead of one after the other (as TanStack Query's usePrefetchQuery does, for several).
 */
export function usePrefetchChartSearches(resourceTypes: ResourceType[], patientId: string) {
  const fhir = useFhir();
  const client = useQueryClient();
  for (const resourceType of resourceTypes) {
    const options = chartSearchOptions(fhir, resourceType, patientId);
    if (client.getQueryState(options.queryKey) === undefined) void client.prefetchQuery(options);
  }
}
