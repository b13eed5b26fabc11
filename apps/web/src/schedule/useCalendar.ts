import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/useApi';
import {
  type CalendarView,
  fetchCalendar,
  fetchFreeSlots,
  fetchPatientNames,
  fetchPractitionerNames,
  fetchSchedules,
  fetchVisitTypes,
  participantOf,
} from './scheduling-api';

export function useSchedules() {
  const { http, fhir } = useApi();
  return useQuery({
    queryKey: ['scheduling', 'schedules'],
    queryFn: async ({ signal }) => {
      const schedules = await fetchSchedules(http, signal);
      const ids = [...new Set(schedules.map((schedule) => schedule.practitioner!.slice('Practitioner/'.length)))];
      const names = await fetchPractitionerNames(fhir, ids, signal);
      return schedules.map((schedule) => {
        const id = schedule.practitioner!.slice('Practitioner/'.length);
        return { ...schedule, practitionerId: id, practitionerName: names.get(id) ?? 'Practitioner' };
      });
    },
    staleTime: 60_000,
  });
}

export function useVisitTypes() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['scheduling', 'visit-types'],
    queryFn: ({ signal }) => fetchVisitTypes(http, signal),
    staleTime: 300_000,
  });
}

/** A practitioner's appointments of a day or week in the zone, with the patients' names. */
export function useCalendar(params: {
  practitioner?: string | undefined;
  date: string;
  view: CalendarView;
  timeZone: string;
  enabled?: boolean;
}) {
  const { http, fhir } = useApi();
  return useQuery({
    queryKey: ['scheduling', 'calendar', params.practitioner ?? 'all', params.date, params.view, params.timeZone],
    queryFn: async ({ signal }) => {
      const calendar = await fetchCalendar(
        http,
        {
          ...(params.practitioner ? { practitioner: params.practitioner } : {}),
          date: params.date,
          view: params.view,
          timeZone: params.timeZone,
        },
        signal,
      );
      const patientIds = [
        ...new Set(
          calendar.appointments
            .map((appointment) => participantOf(appointment, 'Patient'))
            .filter((id): id is string => Boolean(id)),
        ),
      ];
      const patients = await fetchPatientNames(fhir, patientIds, signal);
      return { ...calendar, patients };
    },
    enabled: params.enabled ?? true,
  });
}

export function useFreeSlots(schedule: string | undefined, from: string | undefined, to: string | undefined) {
  const { http } = useApi();
  return useQuery({
    queryKey: ['scheduling', 'slots', schedule, from, to],
    queryFn: ({ signal }) => fetchFreeSlots(http, { schedule: schedule!, from: from!, to: to! }, signal),
    enabled: Boolean(schedule && from && to),
  });
}
