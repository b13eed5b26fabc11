import { Button, Group, Modal, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { ErrorAlert } from '../shared/ErrorAlert';
import { zoneLabel } from './calendar-time';
import { PatientPicker, type PickedPatient } from './PatientPicker';
import type { VisitType } from './scheduling-api';
import { addToWaitlist, type WaitlistEntry } from './waitlist-api';
import { defaultWindow, instantOfInput } from './waitlist-format';

export interface PractitionerOption {
  id: string;
  name: string;
  timeZone: string;
}

interface WaitlistDialogProps {
  practitioners: PractitionerOption[];
  visitTypes: VisitType[];
  /** The zone of windows when no practitioner is chosen (the clinic's first schedule's). */
  defaultTimeZone: string;
  initialPatient?: PickedPatient | undefined;
  initialPractitioner?: string | undefined;
  onClose: () => void;
  onAdded: (entry: WaitlistEntry) => void;
}

const FIELDS = ['patient', 'practitioner', 'visitType', 'earliest', 'latest', 'note'] as const;
type Field = (typeof FIELDS)[number];

/** Put a patient on the waitlist: who, with whom, for what, within which window, and a note. */
export function WaitlistDialog({
  practitioners,
  visitTypes,
  defaultTimeZone,
  initialPatient,
  initialPractitioner,
  onClose,
  onAdded,
}: WaitlistDialogProps) {
  const { http } = useApi();
  const [patient, setPatient] = useState<PickedPatient | null>(initialPatient ?? null);
  const [practitioner, setPractitioner] = useState<string | null>(
    practitioners.some((option) => option.id === initialPractitioner) ? initialPractitioner! : null,
  );
  const zone = practitioners.find((option) => option.id === practitioner)?.timeZone ?? defaultTimeZone;
  const [range, setRange] = useState(() => defaultWindow(new Date(), zone));
  const [visitType, setVisitType] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const add = useMutation({
    mutationFn: () =>
      addToWaitlist(http, {
        patient: patient!.id,
        ...(practitioner ? { practitioner } : {}),
        ...(visitType ? { visitType } : {}),
        earliest: instantOfInput(range.earliest, zone)!.toISOString(),
        latest: instantOfInput(range.latest, zone)!.toISOString(),
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    onSuccess: onAdded,
  });
  const path = isApiError(add.error) ? (add.error.details.path as string | undefined) : undefined;
  const serverField = FIELDS.find((field) => field === path);
  const problem = (field: Field) => problems[field] ?? (serverField === field ? add.error?.message : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<Field, string>> = {};
    const earliest = instantOfInput(range.earliest, zone);
    const latest = instantOfInput(range.latest, zone);
    if (!patient) found.patient = 'Choose the patient';
    if (!earliest) found.earliest = 'Enter a date and time';
    if (!latest) found.latest = 'Enter a date and time';
    else if (earliest && latest <= earliest) found.latest = 'Must be after the earliest time';
    setProblems(found);
    if (Object.keys(found).length === 0) add.mutate();
  };

  return (
    <Modal opened onClose={onClose} title="Add to waitlist" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} aria-label="Add to waitlist" noValidate>
        <Stack>
          <PatientPicker
            label="Patient"
            value={patient}
            autoFocus={!initialPatient}
            onChange={(picked) => {
              setPatient(picked);
              if (picked) setProblems(({ patient: _, ...rest }) => rest);
            }}
            error={problem('patient')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Practitioner"
              placeholder="Any practitioner"
              data={practitioners.map((option) => ({ value: option.id, label: option.name }))}
              value={practitioner}
              onChange={setPractitioner}
              clearable
              error={problem('practitioner')}
              comboboxProps={{ withinPortal: false }}
            />
            <Select
              label="Visit type"
              placeholder="Any visit type"
              data={visitTypes.map((type) => ({ value: type.id, label: `${type.name} (${type.durationMinutes} min)` }))}
              value={visitType}
              onChange={setVisitType}
              clearable
              error={problem('visitType')}
              comboboxProps={{ withinPortal: false }}
            />
          </SimpleGrid>
          <Stack gap={4}>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                type="datetime-local"
                label="Earliest"
                required
                value={range.earliest}
                onChange={(event) => setRange({ ...range, earliest: event.currentTarget.value })}
                error={problem('earliest')}
              />
              <TextInput
                type="datetime-local"
                label="Latest"
                required
                value={range.latest}
                onChange={(event) => setRange({ ...range, latest: event.currentTarget.value })}
                error={problem('latest')}
              />
            </SimpleGrid>
            <Text size="xs" c="dark.6">
              The patient is offered the first slot that frees up in this window. Times in {zoneLabel(zone)}.
            </Text>
          </Stack>
          <Textarea
            label="Note"
            description="What to remember when a slot comes up, such as mornings only or who to call."
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            maxLength={500}
            autosize
            minRows={2}
            error={problem('note')}
          />
          {add.error && !serverField && <ErrorAlert title="The patient was not added" error={add.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Add to waitlist
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
