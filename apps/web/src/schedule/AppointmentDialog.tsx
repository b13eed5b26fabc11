import { Alert, Button, Divider, Group, Modal, Select, Stack, Text } from '@mantine/core';
import type { Appointment, Encounter } from '@medplum/fhirtypes';
import { IconUserX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PatientLink } from '../shared/PatientLink';
import { localParts, slotLabel } from './calendar-time';
import type { PickedPatient } from './PatientPicker';
import { StatusBadge } from './StatusBadge';
import {
  CANCEL_REASONS,
  cancelAppointment,
  canMarkNoShow,
  checkIn,
  type FreeSlot,
  fetchAppointment,
  markNoShow,
  participantOf,
  rescheduleAppointment,
  visitTypeOf,
} from './scheduling-api';
import { fetchOpenOffers, referenceId, type WaitlistOffer } from './waitlist-api';

interface AppointmentDialogProps {
  appointment: Appointment;
  patientName: string;
  timeZone: string;
  /** Free slots it could move to. */
  slots: FreeSlot[];
  onClose: () => void;
  onChanged: () => void;
  /** Puts the patient on the waitlist (after a no-show or a cancellation). */
  onAddToWaitlist?: (patient: PickedPatient) => void;
  /** Shows the waitlist (where an offer of the freed slot waits). */
  onOpenWaitlist?: () => void;
}

type Action = 'reschedule' | 'cancel' | 'no-show' | 'check-in';

const FAILED: Record<Action, string> = {
  reschedule: 'The appointment was not moved',
  cancel: 'The appointment was not cancelled',
  'no-show': 'The no-show was not recorded',
  'check-in': 'The patient was not checked in',
};

/** One appointment: who, when, what; and what the front desk does with it. */
export function AppointmentDialog({
  appointment: initial,
  patientName,
  timeZone,
  slots,
  onClose,
  onChanged,
  onAddToWaitlist,
  onOpenWaitlist,
}: AppointmentDialogProps) {
  const { http } = useApi();
  const [appointment, setAppointment] = useState(initial);
  const [encounter, setEncounter] = useState<Encounter | undefined>();
  const [newSlot, setNewSlot] = useState<string | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [confirmingNoShow, setConfirmingNoShow] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  const [offer, setOffer] = useState<WaitlistOffer | undefined>();
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
    onSuccess: async (next, which) => {
      setAppointment(next);
      setNewSlot(null);
      setConfirmingNoShow(false);
      setDone(
        {
          reschedule: `Moved to ${slotLabel(next.start!, timeZone)}.`,
          cancel: 'The appointment is cancelled and its slot is free again.',
          'no-show': 'Marked as a no-show.',
          'check-in': 'Checked in: the visit is open.',
        }[which],
      );
      onChanged();
      if (which === 'cancel') {
        // The server offers a freed slot to the waitlist in the same step: say who has it now.
        const slot = referenceId(initial.slot?.[0]?.reference, 'Slot');
        if (slot) setOffer((await fetchOpenOffers(http, { slot }).catch(() => []))[0]);
      }
    },
    onError: async (error) => {
      setConfirmingNoShow(false);
      // Someone else changed it meanwhile (checked the patient in, cancelled): show it as it is now.
      if (isApiError(error) && error.status === 409) {
        const current = await fetchAppointment(http, id).catch(() => undefined);
        if (current && current.status !== appointment.status) {
          setAppointment(current);
          onChanged();
        }
      }
    },
  });
  const patientId = participantOf(appointment, 'Patient');
  const open = appointment.status === 'booked';
  const noShowAllowed = canMarkNoShow(appointment, new Date());
  const start = localParts(appointment.start!, timeZone);
  const end = appointment.end ? localParts(appointment.end, timeZone).time : undefined;
  const offerWaitlist = onAddToWaitlist && patientId && ['noshow', 'cancelled'].includes(appointment.status) && !offer;

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
          <StatusBadge status={appointment.status} size="lg" />
        </Group>
        {done && (
          <Alert
            color="green"
            variant="outline"
            role="status"
            title={done}
            styles={{ label: { color: 'var(--mantine-color-green-9)' } }}
          >
            <Stack gap="xs" align="flex-start">
              {encounter && patientId && <PatientLink patientId={patientId}>Open {patientName}'s chart</PatientLink>}
              {offer && (
                <Text size="sm">
                  The slot was offered to {offer.patientName ?? 'a patient'} from the waitlist.{' '}
                  {onOpenWaitlist && (
                    <Button variant="subtle" size="compact-sm" onClick={onOpenWaitlist}>
                      Open the waitlist
                    </Button>
                  )}
                </Text>
              )}
              {offerWaitlist && (
                <Button variant="light" size="xs" onClick={() => onAddToWaitlist({ id: patientId, name: patientName })}>
                  Add {patientName} to the waitlist
                </Button>
              )}
            </Stack>
          </Alert>
        )}
        {action.error && <ErrorAlert title={FAILED[action.variables!]} error={action.error} />}
        {open && (
          <>
            <Group>
              <Button
                onClick={() => action.mutate('check-in')}
                loading={action.isPending && action.variables === 'check-in'}
                disabled={confirmingNoShow}
              >
                Check in
              </Button>
              {noShowAllowed ? (
                !confirmingNoShow && (
                  <Button
                    variant="default"
                    leftSection={<IconUserX size={16} aria-hidden />}
                    onClick={() => {
                      action.reset();
                      setConfirmingNoShow(true);
                    }}
                  >
                    Mark no-show
                  </Button>
                )
              ) : (
                <Text size="sm" c="dark.6">
                  A no-show can be marked once the appointment has begun.
                </Text>
              )}
            </Group>
            {confirmingNoShow && (
              <Alert
                color="orange"
                variant="outline"
                title="Mark as a no-show?"
                icon={<IconUserX aria-hidden />}
                styles={{ label: { color: 'var(--mantine-color-dark-8)' } }}
              >
                <Stack gap="sm">
                  <Text size="sm">
                    {patientName} did not come to the appointment at {start.time}. The no-show stays on the record and
                    cannot be undone here.
                  </Text>
                  <Group>
                    <Button
                      color="dark"
                      onClick={() => action.mutate('no-show')}
                      loading={action.isPending && action.variables === 'no-show'}
                    >
                      Confirm no-show
                    </Button>
                    <Button variant="default" onClick={() => setConfirmingNoShow(false)}>
                      Keep it booked
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
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
          <Stack gap="xs" align="flex-start">
            <Text size="sm" c="dark.6">
              This appointment is {statusWord(appointment.status)}; there is nothing more to do with it here.
            </Text>
            {offerWaitlist && (
              <Button variant="light" size="xs" onClick={() => onAddToWaitlist({ id: patientId, name: patientName })}>
                Add {patientName} to the waitlist
              </Button>
            )}
          </Stack>
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

function statusWord(status: string): string {
  return status === 'noshow' ? 'a no-show' : ({ arrived: 'checked in' }[status] ?? status.replace(/-/g, ' '));
}
