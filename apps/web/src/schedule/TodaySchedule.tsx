import { Anchor, Card, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApi } from '../api/useApi';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PatientLink } from '../shared/PatientLink';
import { localParts, todayIn, zoneLabel } from './calendar-time';
import { StatusBadge } from './StatusBadge';
import { participantOf, visitTypeOf } from './scheduling-api';
import { useCalendar, useSchedules } from './useCalendar';

/** The Practitioner the signed-in account stands for, when its membership names one. */
function useOwnPractitioner() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['auth', 'me', 'fhirUser'],
    queryFn: async ({ signal }) => {
      const { body } = await http.request<{ fhirUser?: string }>('/auth/me', { signal });
      return body.fhirUser?.startsWith('Practitioner/') ? body.fhirUser.slice('Practitioner/'.length) : null;
    },
    staleTime: 300_000,
  });
}

/**
 * The workspace home's "Today's schedule": the signed-in clinician's appointments today when the account
 * is linked to a Practitioner, otherwise the whole clinic's.
 */
export function TodaySchedule() {
  const own = useOwnPractitioner();
  const schedules = useSchedules();
  const practitioner = own.data ?? undefined;
  const schedule =
    schedules.data?.find((candidate) => candidate.practitionerId === practitioner) ?? schedules.data?.[0];
  const timeZone = schedule?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const today = todayIn(timeZone);
  const calendar = useCalendar({
    practitioner,
    date: today,
    view: 'day',
    timeZone,
    enabled: own.isFetched && !schedules.isPending,
  });
  const appointments = (calendar.data?.appointments ?? []).filter((appointment) => appointment.status !== 'cancelled');

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="today-schedule">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="today-schedule">
            Today's schedule
          </Title>
          <Anchor component={Link} to="/schedule" size="sm">
            Open the calendar
          </Anchor>
        </Group>
        <Text size="sm" c="dark.6">
          {practitioner ? 'Your appointments' : "The clinic's appointments"} · times in {zoneLabel(timeZone)}
        </Text>
        {calendar.isError ? (
          <ErrorAlert
            title="Today's schedule could not be loaded"
            error={calendar.error}
            onRetry={() => void calendar.refetch()}
          />
        ) : !calendar.data ? (
          <Skeleton h={80} aria-label="Loading today's schedule" />
        ) : appointments.length === 0 ? (
          <EmptyState title="No appointments today" />
        ) : (
          <Table aria-labelledby="today-schedule" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Time</Table.Th>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Visit type</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {appointments.map((appointment) => {
                const patientId = participantOf(appointment, 'Patient');
                const name = calendar.data.patients.get(patientId ?? '') ?? 'Patient';
                return (
                  <Table.Tr key={appointment.id}>
                    <Table.Td>{appointment.start ? localParts(appointment.start, timeZone).time : '—'}</Table.Td>
                    <Table.Td>{patientId ? <PatientLink patientId={patientId}>{name}</PatientLink> : name}</Table.Td>
                    <Table.Td>{visitTypeOf(appointment) ?? '—'}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={appointment.status} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
