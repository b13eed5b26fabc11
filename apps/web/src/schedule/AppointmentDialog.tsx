import { Alert, Badge, Button, Divider, Group, Modal, Select, Stack, Text } from '@mantine/core';
import type { Appointment, Encounter } from '@medplum/fhirtypes';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/useApi';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PatientLink } from '../shared/PatientLink';
import { localParts, slotLabel } from './calendar-time';
import {
  CANCEL_REASONS,
  cancelAppointment,
  checkIn,
  type FreeSlot,
  markNoShow,
  participantOf,
  rescheduleAppointment,
  statusLabel,
  visitTypeOf,
} from './scheduling-api';

interface AppointmentDialogProps {
  appointment: Appointment;
  patientName: string;
  timeZone: string;
  /** Free slots it could move to. */
  slots: FreeSlot[];
  onClose: () => void;
  onChanged: () => void;
}

type Action = 'reschedule' | 'cancel' | 'no-show' | 'check-in';

/** One appointment: who, when, what; and what the front desk does with it. */
export function AppointmentDialog({
  appointment: initial,
  patientName,
  timeZone,
  slots,
  onClose,
  onChanged,
}: AppointmentDialogProps) {
  const { http } = useApi();
  const [appointment, setAppointment] = useState(initial);
  const [encounter, setEncounter] = useState<Encounter | undefined>();
  const [newSlot, setNewSlot] = useState<string | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [done, setDone] = useState<string | undefined>();
  const id = appointment.id!;
  const action = useMutation({
    mutationFn: async (which: Action): Promise<Appointment> => {
      switch (which) {
        case 'reschedule':
          return rescheduleAppointment(http, id, newSlot!);
        case 'cancel':
          return cancelAppointment(http, id, reason!);
        case 'no-show':
          return markNoShow(http, id);
        case 'check-in': {
          const answer = await checkIn(http, id);
          setEncounter(answer.encounter);
          return answer.appointment;
        }
      }
    },
    onSuccess: (next, which) => {
      setAppointment(next);
      setNewSlot(null);
      setDone(
        {
          reschedule: `Moved to ${slotLabel(next.start!, timeZone)}.`,
          cancel: 'The appointment is cancelled and its slot is free again.',
          'no-show': 'Marked as a no-show.',
          'check-in': 'Checked in: the visit is open.',
        }[which],
      );
      onChanged();
    },
  });
  const patientId = participantOf(appointment, 'Patient');
  const status = statusLabel(appointment.status);
  const open = appointment.status === 'booked';
  const started = Date.parse(appointment.start!) <= Date.now();
  const start = localParts(appointment.start!, timeZone);
  const end = appointment.end ? localParts(appointment.end, timeZone).time : undefined;

  return (
    <Modal opened onClose={onClose} title="Appointment" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Stack>
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Text fw={650} size="lg">
              {patientId ? <PatientLink patientId={patientId}>{patientName}</PatientLink> : patientName}
            </Text>
            <Text size="sm">
              {slotLabel(appointment.start!, timeZone)}
              {end ? `–${end}` : ''} ({timeZone})
            </Text>
            <Text size="sm" c="dark.6">
              {visitTypeOf(appointment) ?? 'Visit type not specified'}
            </Text>
          </Stack>
          <Badge color={status.color} variant="light" size="lg" c="dark.8">
            {status.label}
          </Badge>
        </Group>
        {done && (
          <Alert
            color="green"
            variant="outline"
            role="status"
            title={done}
            styles={{ label: { color: 'var(--mantine-color-green-9)' } }}
          >
            {encounter && patientId && <PatientLink patientId={patientId}>Open {patientName}'s chart</PatientLink>}
          </Alert>
        )}
        {action.error && <ErrorAlert title="That did not work" error={action.error} />}
        {open && (
          <>
            <Group>
              <Button
                onClick={() => action.mutate('check-in')}
                loading={action.isPending && action.variables === 'check-in'}
              >
                Check in
              </Button>
              {started ? (
                <Button
                  variant="default"
                  onClick={() => action.mutate('no-show')}
                  loading={action.isPending && action.variables === 'no-show'}
                >
                  Mark no-show
                </Button>
              ) : (
                <Text size="sm" c="dark.6">
                  A no-show can be marked once the appointment has begun.
                </Text>
              )}
            </Group>
            <Divider label="Reschedule" labelPosition="left" />
            <Group align="flex-end">
              <Select
                label="New time"
                placeholder={slots.length ? 'Choose a free slot' : 'No free slots in this view'}
                data={slots
                  .filter((slot) => slot.start !== appointment.start)
                  .map((slot) => ({ value: slot.id, label: slotLabel(slot.start, timeZone) }))}
                value={newSlot}
                onChange={setNewSlot}
                searchable
                style={{ flex: 1 }}
                comboboxProps={{ withinPortal: false }}
              />
              <Button
                variant="light"
                disabled={!newSlot}
                onClick={() => action.mutate('reschedule')}
                loading={action.isPending && action.variables === 'reschedule'}
              >
                Move appointment
              </Button>
            </Group>
            <Divider label="Cancel" labelPosition="left" />
            <Group align="flex-end">
              <Select
                label="Cancellation reason"
                placeholder="Choose a reason"
                data={CANCEL_REASONS.map((option) => ({ value: option.value, label: option.label }))}
                value={reason}
                onChange={setReason}
                style={{ flex: 1 }}
                comboboxProps={{ withinPortal: false }}
              />
              <Button
                color="red"
                variant="light"
                disabled={!reason}
                onClick={() => action.mutate('cancel')}
                loading={action.isPending && action.variables === 'cancel'}
              >
                Cancel appointment
              </Button>
            </Group>
          </>
        )}
        {!open && !done && (
          <Text size="sm" c="dark.6">
            This appointment is {status.label.toLowerCase()}; there is nothing more to do with it here.
          </Text>
        )}
        {appointment.status === 'arrived' && patientId && !encounter && (
          <PatientLink patientId={patientId}>Open the chart</PatientLink>
        )}
        <Text size="xs" c="dimmed">
          Starts {start.date} {start.time} in {timeZone}.
        </Text>
      </Stack>
    </Modal>
  );
}
