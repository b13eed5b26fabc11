import { Alert, Badge, Button, Card, Group, Modal, Skeleton, Stack, Text, Title } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { IconCalendarPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type MouseEvent, useState } from 'react';
import { useApi } from '../api/useApi';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { type BookingRules, cancelAppointment } from './portal-api';
import {
  canStillChange,
  describeRules,
  formatWhen,
  practitionerName,
  practitionerOf,
  refusalMessage,
  visitTypeName,
} from './portal-format';
import { usePortalPatient } from './portal-patient';
import { useAppointments, useBookingRules, usePractitioners } from './usePortal';

const STATUS: Record<string, { label: string; color: string }> = {
  booked: { label: 'Booked', color: 'blue.9' },
  pending: { label: 'Waiting for confirmation', color: 'gray.7' },
  arrived: { label: 'Checked in', color: 'teal.9' },
  fulfilled: { label: 'Done', color: 'teal.9' },
  cancelled: { label: 'Cancelled', color: 'red.9' },
  noshow: { label: 'Missed', color: '#a63c06' },
};

function AppointmentCard({
  appointment,
  rules,
  practitioner,
  onCancel,
}: {
  appointment: Appointment;
  rules: BookingRules | undefined;
  practitioner: string;
  onCancel: () => void;
}) {
  const status = STATUS[appointment.status] ?? { label: appointment.status, color: 'gray.7' };
  const navigate = useNavigate();
  const changeable = rules ? canStillChange(appointment, rules.cancelCutoffHours, new Date()) : true;
  const active = ['booked', 'pending', 'proposed'].includes(appointment.status);
  const when = formatWhen(appointment.start);
  return (
    <Card component="li" withBorder radius="md" p="md" aria-label={`Appointment ${when}`}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4}>
          <Text fw={700}>{when}</Text>
          <Text size="sm">
            {visitTypeName(appointment) ?? 'Appointment'} with {practitioner}
          </Text>
          <Badge color={status.color} variant="filled">
            {status.label}
          </Badge>
        </Stack>
        {active && (
          <Stack gap={4} align="flex-end">
            <Group gap="xs">
              <Button
                component="a"
                href={`/portal/book?reschedule=${encodeURIComponent(appointment.id ?? '')}`}
                onClick={(event: MouseEvent) => {
                  event.preventDefault();
                  void navigate({ to: '/portal/book', search: { reschedule: appointment.id } });
                }}
                variant="light"
                size="sm"
                aria-label={`Reschedule the appointment on ${when}`}
              >
                Reschedule
              </Button>
              <Button variant="default" size="sm" onClick={onCancel} aria-label={`Cancel the appointment on ${when}`}>
                Cancel
              </Button>
            </Group>
            {!changeable && rules && (
              <Text size="xs" c="dimmed" maw={280} ta="right">
                Less than {rules.cancelCutoffHours} h before: the clinic may not accept changes online.
              </Text>
            )}
          </Stack>
        )}
      </Group>
    </Card>
  );
}

/** The portal's home: upcoming appointments, booking, moving and cancelling within the clinic's rules. */
export function PortalHomePage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const patientId = usePortalPatient();
  const appointments = useAppointments(patientId);
  const rules = useBookingRules();
  const practitioners = usePractitioners();
  const [cancelling, setCancelling] = useState<Appointment | undefined>();
  const cancel = useMutation({
    mutationFn: (id: string) => cancelAppointment(api, id),
    onSuccess: async () => {
      setCancelling(undefined);
      await queryClient.invalidateQueries({ queryKey: ['portal', 'appointments'] });
    },
  });
  const nameOf = (appointment: Appointment) => {
    const id = practitionerOf(appointment);
    return practitionerName(practitioners.data?.find((practitioner) => practitioner.id === id));
  };
  const upcoming = (appointments.data ?? []).filter((appointment) => appointment.status !== 'cancelled');
  const cancelled = (appointments.data ?? []).filter((appointment) => appointment.status === 'cancelled');

  return (
    <Stack gap="lg">
      <PageHeader
        title="Your appointments"
        description={rules.data ? describeRules(rules.data) : undefined}
        actions={
          <Button component={Link} to="/portal/book" leftSection={<IconCalendarPlus size={18} aria-hidden />}>
            Book an appointment
          </Button>
        }
      />
      {cancel.isSuccess && (
        <Alert color="green" role="status" title="Appointment cancelled">
          The time is free for someone else now.
        </Alert>
      )}
      {appointments.isPending && (
        <Stack gap="sm" aria-label="Loading appointments">
          <Skeleton h={96} radius="md" />
          <Skeleton h={96} radius="md" />
        </Stack>
      )}
      {appointments.isError && (
        <ErrorAlert
          title="Your appointments could not be loaded"
          error={appointments.error}
          onRetry={() => appointments.refetch()}
        />
      )}
      {appointments.isSuccess && upcoming.length === 0 && (
        <EmptyState title="No upcoming appointments">Book one when you need to see the clinic.</EmptyState>
      )}
      {upcoming.length > 0 && (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Upcoming appointments">
          {upcoming.map((appointment) => (
            <AppointmentCard
              key={appointment.id}
              appointment={appointment}
              rules={rules.data}
              practitioner={nameOf(appointment)}
              onCancel={() => {
                cancel.reset();
                setCancelling(appointment);
              }}
            />
          ))}
        </Stack>
      )}
      {cancelled.length > 0 && (
        <Stack gap="xs">
          <Title order={2} size="h4">
            Cancelled
          </Title>
          <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Cancelled appointments">
            {cancelled.map((appointment) => (
              <Text component="li" key={appointment.id} size="sm" c="dimmed">
                {formatWhen(appointment.start)} with {nameOf(appointment)}
              </Text>
            ))}
          </Stack>
        </Stack>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={Boolean(cancelling)}
        onClose={() => setCancelling(undefined)}
        title="Cancel this appointment?"
      >
        <Stack>
          <Text size="sm">
            {cancelling ? `${formatWhen(cancelling.start)} with ${nameOf(cancelling)}.` : ''} The time will be offered
            to other patients.
          </Text>
          {cancel.isError && (
            <Alert color="red" role="alert" title="The clinic did not accept the cancellation">
              {refusalMessage(cancel.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCancelling(undefined)}>
              Keep it
            </Button>
            <Button
              color="red.9"
              loading={cancel.isPending}
              onClick={() => cancelling?.id && cancel.mutate(cancelling.id)}
            >
              Cancel appointment
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
