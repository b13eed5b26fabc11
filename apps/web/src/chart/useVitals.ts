import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../api/useApi';
import { type MeasurementBody, vitalsApi } from './vitals-api';
import { CHART_VITALS } from './vitals-form';

export function useVitalsApi() {
  const { http } = useApi();
  return useMemo(() => vitalsApi(http), [http]);
}

/** Every charted vital sign of the patient since `from` (undefined: all), one query each. */
export function useVitalTrends(patientId: string, from: string | undefined) {
  const api = useVitalsApi();
  return useQueries({
    queries: CHART_VITALS.map((vital) => ({
      queryKey: ['vitals', 'trend', patientId, vital.type, from ?? 'all'],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.trend(patientId, vital.type, from, signal),
    })),
  });
}

export function useRecordVitals(patientId: string) {
  const api = useVitalsApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (measurements: MeasurementBody[]) => api.record(patientId, measurements),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['vitals', 'trend', patientId] }),
        queryClient.invalidateQueries({ queryKey: ['fhir', 'Observation', 'chart', patientId] }),
      ]),
  });
}
