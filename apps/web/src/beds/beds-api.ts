import type { HttpClient } from '../api/http-client';

export type BedStatus = 'free' | 'occupied' | 'cleaning' | 'blocked';

export interface BoardBed {
  id: string;
  name: string | null;
  status: BedStatus;
  since: string | null;
  reason: string | null;
  /** `Encounter/<id>` of the stay, for occupied beds whose patient the caller may read. */
  encounter?: string;
  patient?: { id: string; name: string; mrn: string | null } | null;
}

export interface WardNow {
  beds: number;
  free: number;
  occupied: number;
  cleaning: number;
  blocked: number;
  occupancyPercent: number | null;
}

export interface BoardWard {
  id: string;
  name: string | null;
  now: WardNow;
  rooms: { id: string; name: string | null; beds: BoardBed[] }[];
}

export async function fetchBoard(http: HttpClient, signal?: AbortSignal): Promise<BoardWard[]> {
  const { body } = await http.request<{ wards: BoardWard[] }>('/beds/board', signal ? { signal } : {});
  return body.wards;
}

const post = async (http: HttpClient, path: string, body: unknown = {}) =>
  (await http.request<unknown>(path, { method: 'POST', body })).body;

const stayPath = (encounter: string) => `/beds/stays/${encodeURIComponent(encounter.replace(/^Encounter\//, ''))}`;

export const bedActions = {
  admit: (http: HttpClient, patient: string, bed: string) => post(http, '/beds/admissions', { patient, bed }),
  transfer: (http: HttpClient, encounter: string, bed: string) =>
    post(http, `${stayPath(encounter)}/transfer`, { bed }),
  discharge: (http: HttpClient, encounter: string) => post(http, `${stayPath(encounter)}/discharge`),
  cleaned: (http: HttpClient, bed: string) => post(http, `/beds/${encodeURIComponent(bed)}/cleaned`),
  block: (http: HttpClient, bed: string, reason: string) =>
    post(http, `/beds/${encodeURIComponent(bed)}/block`, { reason }),
  unblock: (http: HttpClient, bed: string) => post(http, `/beds/${encodeURIComponent(bed)}/unblock`),
};
