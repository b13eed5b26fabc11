import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { IconBellRinging, IconHourglass, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useApi } from '../api/useApi';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PatientLink } from '../shared/PatientLink';
import { TableSkeleton } from '../shared/TableSkeleton';
import { ConfirmDialog } from './ConfirmDialog';
import { localParts, slotLabel } from './calendar-time';
import type { VisitType } from './scheduling-api';
import { useNow, useOpenOffers, useWaitlist } from './useWaitlist';
import type { PractitionerOption } from './WaitlistDialog';
import {
  acceptOffer,
  declineOffer,
  referenceId,
  removeFromWaitlist,
  type WaitlistEntry,
  type WaitlistOffer,
} from './waitlist-api';
import { expiresIn, waitedFor, windowLabel } from './waitlist-format';

interface WaitlistPanelProps {
  practitioners: PractitionerOption[];
  visitTypes: VisitType[];
  defaultTimeZone: string;
  onAdd: () => void;
  /** Opens the calendar where a booked appointment sits. */
  onShowAppointment: (appointment: Appointment) => void;
}

interface Feedback {
  message: string;
  appointment?: Appointment;
}

function PatientCell({ id, name, mrn }: { id: string | undefined; name: string; mrn?: string | undefined }) {
  return (
    <Stack gap={0}>
      {id ? <PatientLink patientId={id}>{name}</PatientLink> : <Text size="sm">{name}</Text>}
      {mrn && (
        <Text size="xs" c="dark.6">
          MRN {mrn}
        </Text>
      )}
    </Stack>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

/**
 * The waitlist: open offers of freed slots to accept (which books) or decline (which passes the slot on),
 * and the patients waiting, oldest first, with how long they have waited.
 */
export function WaitlistPanel({
  practitioners,
  visitTypes,
  defaultTimeZone,
  onAdd,
  onShowAppointment,
}: WaitlistPanelProps) {
  const { http } = useApi();
  const queryClient = useQueryClient();
  const waitlist = useWaitlist();
  const offers = useOpenOffers();
  const now = useNow();
  const [feedback, setFeedback] = useState<Feedback | undefined>();
  const [removing, setRemoving] = useState<WaitlistEntry | undefined>();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['scheduling'] });

  const practitionerOf = (reference: string | undefined) =>
    practitioners.find((option) => option.id === referenceId(reference, 'Practitioner'));
  const zoneOf = (reference: string | undefined) => practitionerOf(reference)?.timeZone ?? defaultTimeZone;
  // Times read in each practitioner's own zone; when the clinic's schedules keep several, each says which.
  const severalZones = new Set(practitioners.map((option) => option.timeZone)).size > 1;
  const zoneNote = (zone: string) => (severalZones ? ` (${zone})` : '');
  const visitTypeName = (id: string | undefined) => visitTypes.find((type) => type.id === id)?.name;
  const nameOf = (item: { patientName?: string | undefined }) => item.patientName ?? 'Patient';

  const accept = useMutation({
    mutationFn: (offer: WaitlistOffer) => acceptOffer(http, offer.id),
    onSuccess: ({ appointment }, offer) => {
      const practitioner = practitionerOf(offer.practitioner);
      setFeedback({
        message: `Booked ${nameOf(offer)} for ${slotLabel(appointment.start!, zoneOf(offer.practitioner))}${
          practitioner ? ` with ${practitioner.name}` : ''
        }.`,
        appointment,
      });
      refresh();
    },
  });
  const decline = useMutation({
    mutationFn: (offer: WaitlistOffer) => declineOffer(http, offer.id),
    onSuccess: (_, offer) => {
      setFeedback({
        message: `Declined for ${nameOf(offer)}, who is waiting again. The slot goes to the next patient it suits, if any.`,
      });
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (entry: WaitlistEntry) => removeFromWaitlist(http, entry.id),
    onSuccess: (_, entry) => {
      setRemoving(undefined);
      setFeedback({ message: `${nameOf(entry)} is off the waitlist.` });
      refresh();
    },
  });
  const busy = accept.isPending || decline.isPending;
  const failure = accept.error ?? decline.error;

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dark.6" maw={640}>
          Patients who want an earlier appointment. When an appointment is cancelled, its slot is offered to the patient
          who has waited longest and whom it suits.
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={onAdd}>
          Add to waitlist
        </Button>
      </Group>
      {feedback && (
        <Alert
          color="green"
          variant="outline"
          role="status"
          title={feedback.message}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setFeedback(undefined)}
          styles={{ label: { color: 'var(--mantine-color-green-9)' } }}
        >
          {feedback.appointment && (
            <Button variant="light" size="xs" onClick={() => onShowAppointment(feedback.appointment!)}>
              Show on the calendar
            </Button>
          )}
        </Alert>
      )}
      {failure && (
        <ErrorAlert
          title={accept.error ? 'The offer was not accepted' : 'The offer was not declined'}
          error={failure}
        />
      )}

      <Section title="Open offers" id="waitlist-offers">
        {offers.isError ? (
          <ErrorAlert title="Offers could not be loaded" error={offers.error} onRetry={() => void offers.refetch()} />
        ) : !offers.data ? (
          <TableSkeleton rows={2} label="Loading offers" />
        ) : offers.data.length === 0 ? (
          <Text size="sm" c="dark.6">
            No open offers. A slot freed by a cancellation shows up here for the patient it is offered to.
          </Text>
        ) : (
          <Table aria-labelledby="waitlist-offers" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Appointment offered</Table.Th>
                <Table.Th scope="col">Visit type</Table.Th>
                <Table.Th scope="col">Offer ends</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {offers.data.map((offer) => {
                const zone = zoneOf(offer.practitioner);
                const practitioner = practitionerOf(offer.practitioner);
                const name = nameOf(offer);
                return (
                  <Table.Tr key={offer.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <PatientCell id={referenceId(offer.patient, 'Patient')} name={name} mrn={offer.patientMrn} />
                    </Table.Td>
                    <Table.Td>
                      {offer.start ? (
                        <>
                          {slotLabel(offer.start, zone)}
                          {offer.end ? `–${localParts(offer.end, zone).time}` : ''}
                          {zoneNote(zone)}
                          {practitioner ? ` with ${practitioner.name}` : ''}
                        </>
                      ) : (
                        'The slot is no longer on the schedule'
                      )}
                    </Table.Td>
                    <Table.Td>{visitTypeName(offer.visitType) ?? 'Any'}</Table.Td>
                    <Table.Td title={new Date(offer.expiresAt).toLocaleString()}>
                      {expiresIn(offer.expiresAt, now)}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          aria-label={`Accept the offer for ${name}`}
                          onClick={() => accept.mutate(offer)}
                          loading={accept.isPending && accept.variables?.id === offer.id}
                          disabled={busy || !offer.start}
                        >
                          Accept
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`Decline the offer for ${name}`}
                          onClick={() => decline.mutate(offer)}
                          loading={decline.isPending && decline.variables?.id === offer.id}
                          disabled={busy}
                        >
                          Decline
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Section>

      <Section title="Waiting" id="waitlist-waiting">
        {waitlist.isError ? (
          <ErrorAlert
            title="The waitlist could not be loaded"
            error={waitlist.error}
            onRetry={() => void waitlist.refetch()}
          />
        ) : !waitlist.data ? (
          <TableSkeleton rows={3} label="Loading the waitlist" />
        ) : waitlist.data.length === 0 ? (
          <EmptyState title="Nobody is waiting">Add a patient who wants an earlier appointment.</EmptyState>
        ) : (
          <Table aria-labelledby="waitlist-waiting" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Wants</Table.Th>
                <Table.Th scope="col">Window</Table.Th>
                <Table.Th scope="col">Waiting for</Table.Th>
                <Table.Th scope="col">Note</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {waitlist.data.map((entry) => {
                const zone = zoneOf(entry.practitioner);
                const name = nameOf(entry);
                return (
                  <Table.Tr key={entry.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <PatientCell id={referenceId(entry.patient, 'Patient')} name={name} mrn={entry.patientMrn} />
                    </Table.Td>
                    <Table.Td>
                      {practitionerOf(entry.practitioner)?.name ?? 'Any practitioner'}
                      <Text size="xs" c="dark.6">
                        {visitTypeName(entry.visitType) ?? 'Any visit type'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {windowLabel(entry.earliest, entry.latest, zone)}
                      {zoneNote(zone)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }} title={`Since ${slotLabel(entry.createdAt, zone)}`}>
                      {waitedFor(entry.createdAt, now)}
                    </Table.Td>
                    <Table.Td maw={220}>{entry.note ?? '—'}</Table.Td>
                    <Table.Td>
                      {entry.status === 'offered' ? (
                        <Badge
                          color="grape"
                          variant="light"
                          c="dark.8"
                          // The label would otherwise shrink to "OFF…" in an auto-sized column.
                          miw="max-content"
                          leftSection={<IconBellRinging size={12} aria-hidden />}
                        >
                          Offer open
                        </Badge>
                      ) : (
                        <Badge
                          color="gray"
                          variant="light"
                          c="dark.8"
                          miw="max-content"
                          leftSection={<IconHourglass size={12} aria-hidden />}
                        >
                          Waiting
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={`Remove ${name} from the waitlist`}
                        onClick={() => {
                          remove.reset();
                          setRemoving(entry);
                        }}
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      {removing && (
        <ConfirmDialog
          title="Take off the waitlist?"
          confirmLabel="Remove from waitlist"
          cancelLabel="Keep waiting"
          pending={remove.isPending}
          error={remove.error}
          errorTitle="The patient was not removed"
          onConfirm={() => remove.mutate(removing)}
          onClose={() => setRemoving(undefined)}
        >
          {nameOf(removing)} will no longer be offered freed slots.
          {removing.status === 'offered' ? ' The offer open to them is withdrawn and goes to the next patient.' : ''}
        </ConfirmDialog>
      )}
    </Stack>
  );
}
