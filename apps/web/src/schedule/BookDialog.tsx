import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { ErrorAlert } from '../shared/ErrorAlert';
import { slotLabel, zoneLabel } from './calendar-time';
import { PatientPicker, type PickedPatient } from './PatientPicker';
import { bookAppointment, type FreeSlot, type VisitType } from './scheduling-api';

interface BookDialogProps {
  slot: FreeSlot;
  /** Free slots the person may switch to. */
  slots: FreeSlot[];
  timeZone: string;
  practitionerName: string;
  visitTypes: VisitType[];
  onClose: () => void;
  onBooked: (appointment: Appointment) => void;
}

const FIELDS = ['patient', 'slot', 'visitType'] as const;

/** Book a free slot for a patient: who (type-ahead), when (the slot picked, or another), what visit type. */
export function BookDialog({
  slot,
  slots,
  timeZone,
  practitionerName,
  visitTypes,
  onClose,
  onBooked,
}: BookDialogProps) {
  const { http } = useApi();
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  const [slotId, setSlotId] = useState<string>(slot.id);
  const [visitType, setVisitType] = useState<string | null>(null);
  const [patientMissing, setPatientMissing] = useState(false);
  const book = useMutation({
    mutationFn: () =>
      bookAppointment(http, { slot: slotId, patient: patient!.id, ...(visitType ? { visitType } : {}) }),
    onSuccess: onBooked,
  });
  const path = isApiError(book.error) ? (book.error.details.path as string | undefined) : undefined;
  const fieldError = (field: (typeof FIELDS)[number]) => (path === field ? book.error?.message : undefined);
  const shownOnField = FIELDS.some((field) => field === path);

  const options = [slot, ...slots.filter((other) => other.id !== slot.id)]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((other) => ({ value: other.id, label: slotLabel(other.start, timeZone) }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!patient) {
      setPatientMissing(true);
      return;
    }
    book.mutate();
  };

  return (
    <Modal opened onClose={onClose} title="Book appointment" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} aria-label="Book appointment" noValidate>
        <Stack>
          <Text size="sm">
            With <strong>{practitionerName}</strong>. Times are in {zoneLabel(timeZone, new Date(slot.start))}.
          </Text>
          <PatientPicker
            label="Patient"
            value={patient}
            autoFocus
            onChange={(picked) => {
              setPatient(picked);
              if (picked) setPatientMissing(false);
            }}
            error={patientMissing ? 'Choose the patient' : fieldError('patient')}
          />
          <Select
            label="Time"
            required
            data={options}
            value={slotId}
            onChange={(value) => value && setSlotId(value)}
            allowDeselect={false}
            searchable
            error={fieldError('slot')}
            comboboxProps={{ withinPortal: false }}
          />
          <Select
            label="Visit type"
            placeholder="Not specified"
            data={visitTypes.map((type) => ({ value: type.id, label: `${type.name} (${type.durationMinutes} min)` }))}
            value={visitType}
            onChange={setVisitType}
            clearable
            error={fieldError('visitType')}
            comboboxProps={{ withinPortal: false }}
          />
          {book.error && !shownOnField && <ErrorAlert title="The appointment was not booked" error={book.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={book.isPending}>
              Book appointment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
