import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { type HealthSummary, requestRate, summariseMetrics } from './health-summary';
import { parsePrometheus } from './prometheus';
import { summariseQueues } from './queue-summary';

export const HEALTH_REFRESH_MS = 10_000;

export interface Readiness {
  ready: boolean;
  database?: string;
}

/** /readyz answers 503 with a body when the database does not answer: that is a reading, not a failure. */
export function useReadiness() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['platform', 'readyz'],
    queryFn: async ({ signal }): Promise<Readiness> => {
      try {
        const { body } = await http.request<{ status: string; database?: string }>('/readyz', { signal });
        return { ready: body.status === 'ready', ...(body.database ? { database: body.database } : {}) };
      } catch (error) {
        if (isApiError(error) && error.status === 503) return { ready: false };
        throw error;
      }
    },
    refetchInterval: HEALTH_REFRESH_MS,
  });
}

/** The server's own metrics, re-read every few seconds; the rate comes from the last two readings. */
export function useMetrics() {
  const { http } = useApi();
  const previous = useRef<HealthSummary | undefined>(undefined);
  const latest = useRef<HealthSummary | undefined>(undefined);
  const query = useQuery({
    queryKey: ['platform', 'metrics'],
    queryFn: async ({ signal }) => {
      const text = await http.getText('/metrics', signal);
      const samples = parsePrometheus(text);
      const summary = summariseMetrics(samples, Date.now());
      previous.current = latest.current;
      latest.current = summary;
      return { summary, rate: requestRate(previous.current, summary), queues: summariseQueues(samples) };
    },
    refetchInterval: HEALTH_REFRESH_MS,
    staleTime: 0,
  });
  return query;
}
