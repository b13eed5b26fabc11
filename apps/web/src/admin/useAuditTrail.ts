import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useApi } from '../api/useApi';
import { type AuditFilter, auditQuery, auditRows, csvFileName } from './audit-events';
import type { UserPage } from './users-api';

export const AUDIT_PAGE_SIZE = 50;

/** One page of the audit trail, newest first; `hasMore` says whether a next page exists. */
export function useAuditEvents(filter: AuditFilter) {
  const { http } = useApi();
  return useQuery({
    queryKey: ['audit', 'events', filter],
    queryFn: async ({ signal }) => {
      const { body } = await http.request<Bundle<AuditEvent>>(auditQuery(filter, AUDIT_PAGE_SIZE), {
        accept: 'application/fhir+json',
        signal,
      });
      const rows = auditRows(body);
      return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
    },
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export interface ChainStatus {
  status: 'verified' | 'broken';
  records: number;
  checkedAt: string;
  problem?: { kind: string; seq: number; message: string };
}

/** Whether the tenant's audit chain is intact, recomputed by the server. */
export function useChainStatus() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['audit', 'verify'],
    queryFn: async ({ signal }) => (await http.request<ChainStatus>('/audit/verify', { signal })).body,
    staleTime: 60_000,
  });
}

/** The tenant's users by id, to show names instead of ids (and to pick one in the filter). */
export function useUserDirectory() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['identity', 'users', 'directory'],
    queryFn: async ({ signal }) => (await http.request<UserPage>('/identity/users?_count=200', { signal })).body.users,
    staleTime: 60_000,
  });
}

/** Downloads the current filter's records as CSV (the server's export; at most 1,000 records). */
export function useCsvExport() {
  const { http } = useApi();
  return useMutation({
    mutationFn: async (filter: AuditFilter) => {
      const text = await http.getText(auditQuery(filter, AUDIT_PAGE_SIZE, { csv: true }));
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = csvFileName(filter);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return Math.max(0, text.trim().split(/\r?\n/).length - 1);
    },
  });
}
