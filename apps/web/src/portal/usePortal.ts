import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/useApi';
import {
  fetchActiveMedications,
  fetchBookingRules,
  fetchInvoices,
  fetchMessages,
  fetchMyPatientId,
  fetchPractitioners,
  fetchResults,
  fetchUpcomingAppointments,
  fetchVisitTypes,
} from './portal-api';

/** Every portal query key starts with 'portal' (live updates invalidate ['portal', 'appointments'], …). */
export const portalKeys = {
  me: ['portal', 'me'] as const,
  appointments: (patientId: string) => ['portal', 'appointments', patientId] as const,
  practitioners: ['portal', 'practitioners'] as const,
  visitTypes: ['portal', 'visit-types'] as const,
  rules: ['portal', 'rules'] as const,
  slots: (filter: object) => ['portal', 'slots', filter] as const,
  results: (patientId: string) => ['portal', 'results', patientId] as const,
  medications: (patientId: string) => ['portal', 'medications', patientId] as const,
  invoices: (patientId: string) => ['portal', 'invoices', patientId] as const,
  messages: (patientId: string) => ['portal', 'messages', patientId] as const,
};

export function useMyPatientId() {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.me,
    queryFn: ({ signal }) => fetchMyPatientId(api, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useAppointments(patientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.appointments(patientId ?? ''),
    queryFn: ({ signal }) => fetchUpcomingAppointments(api, patientId!, new Date(), signal),
    enabled: Boolean(patientId),
  });
}

export function usePractitioners() {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.practitioners,
    queryFn: ({ signal }) => fetchPractitioners(api, signal),
    staleTime: 5 * 60_000,
  });
}

export function useVisitTypes() {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.visitTypes,
    queryFn: ({ signal }) => fetchVisitTypes(api, signal),
    staleTime: 5 * 60_000,
  });
}

export function useBookingRules() {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.rules,
    queryFn: ({ signal }) => fetchBookingRules(api, signal),
    staleTime: 5 * 60_000,
  });
}

export function useResults(patientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.results(patientId ?? ''),
    queryFn: ({ signal }) => fetchResults(api, patientId!, signal),
    enabled: Boolean(patientId),
  });
}

export function useMedications(patientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.medications(patientId ?? ''),
    queryFn: ({ signal }) => fetchActiveMedications(api, patientId!, signal),
    enabled: Boolean(patientId),
  });
}

/** The signed-in patient's invoices (the server finds them from the sign-in; the key keeps patients apart). */
export function useInvoices(patientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.invoices(patientId ?? ''),
    queryFn: ({ signal }) => fetchInvoices(api, signal),
    enabled: Boolean(patientId),
  });
}

export function useMessages(patientId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: portalKeys.messages(patientId ?? ''),
    queryFn: ({ signal }) => fetchMessages(api, patientId!, signal),
    enabled: Boolean(patientId),
  });
}
