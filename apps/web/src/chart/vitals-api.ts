import type { HttpClient } from '../api/http-client';

/** A vital sign the server records (GET /vitals/types). */
export interface VitalType {
  type: string;
  code: string;
  display: string;
  unit: string;
  limits: { min: number; max: number };
  components?: Record<string, { code: string; display: string; unit: string }>;
}

export interface TrendPoint {
  effective: string;
  observation: string;
  value?: number;
  components?: Record<string, number>;
}

/** GET /patients/{id}/vitals/trends: one vital sign over time, oldest first, in its canonical unit. */
export interface VitalTrend {
  type: string;
  unit: string;
  points: TrendPoint[];
  truncated: boolean;
}

export interface RecordedVitals {
  observations: { id?: string }[];
  bmi?: number;
}

export interface MeasurementBody {
  type: string;
  value?: number;
  unit?: string;
  systolic?: number;
  diastolic?: number;
}

export function vitalsApi(http: HttpClient) {
  return {
    types: async (signal?: AbortSignal) =>
      (await http.request<VitalType[]>('/vitals/types', signal ? { signal } : {})).body,
    trend: async (patientId: string, code: string, from: string | undefined, signal?: AbortSignal) => {
      const query = new URLSearchParams({ code, ...(from ? { from } : {}) });
      const path = `/patients/${encodeURIComponent(patientId)}/vitals/trends?${query}`;
      return (await http.request<VitalTrend>(path, signal ? { signal } : {})).body;
    },
    record: async (patientId: string, measurements: MeasurementBody[]) =>
      (
        await http.request<RecordedVitals>(`/patients/${encodeURIComponent(patientId)}/vitals`, {
          method: 'POST',
          body: { measurements },
        })
      ).body,
  };
}
