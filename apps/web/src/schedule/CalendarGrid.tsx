import { Box, Button, Paper, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { buildGrid, dayHeading, type LocalDate, localParts } from './calendar-time';
import { chipLook, StatusBadge } from './StatusBadge';
import { type FreeSlot, participantOf, visitTypeOf } from './scheduling-api';

type Entry =
  | { kind: 'appointment'; start: string; appointment: Appointment }
  | { kind: 'slot'; start: string; slot: FreeSlot };

interface CalendarGridProps {
  days: LocalDate[];
  today: LocalDate;
  timeZone: string;
  appointments: Appointment[];
  slots: FreeSlot[];
  patients: Map<string, string>;
  /** Free slots offered to a waitlisted patient just now (an offer does not hold its slot). */
  offeredSlots?: ReadonlySet<string>;
  onOpenAppointment: (appointment: Appointment) => void;
  onBook: (slot: FreeSlot) => void;
}

function AppointmentChip({
  appointment,
  patient,
  timeZone,
  onOpen,
}: {
  appointment: Appointment;
  patient: string;
  timeZone: string;
  onOpen: () => void;
}) {
  const look = chipLook(appointment.status);
  const visitType = visitTypeOf(appointment);
  const time = localParts(appointment.start!, timeZone).time;
  const end = appointment.end ? localParts(appointment.end, timeZone).time : undefined;
  return (
    <UnstyledButton onClick={onOpen} w="100%">
      <Paper withBorder p={6} radius="sm" bg={look.background} style={look.style}>
        <Text size="xs" c="dark.6">
          {time}
          {end ? `–${end}` : ''}
        </Text>{' '}
        <Text size="sm" fw={600} td={look.struck ? 'line-through' : undefined} lineClamp={2}>
          {patient}
        </Text>{' '}
        {visitType && (
          <>
            <Text size="xs" c="dark.6" lineClamp={1}>
              {visitType}
            </Text>{' '}
          </>
        )}
        <Box mt={2}>
          <StatusBadge status={appointment.status} size="xs" />
        </Box>
      </Paper>
    </UnstyledButton>
  );
}

/** A free slot: book it. One offered to the waitlist says so (still bookable: the offer does not hold it). */
function SlotButton({
  slot,
  label,
  offered,
  onBook,
}: {
  slot: FreeSlot;
  label: string;
  offered: boolean;
  onBook: () => void;
}) {
  const noteId = `offered-${slot.id}`;
  return (
    <Stack gap={2}>
      <Button
        size="compact-xs"
        variant="default"
        fullWidth
        onClick={onBook}
        aria-label={`Book ${label}`}
        aria-describedby={offered ? noteId : undefined}
      >
        Book
      </Button>
      {offered && (
        <Text id={noteId} size="xs" c="dark.6" ta="center">
          Offered to the waitlist
        </Text>
      )}
    </Stack>
  );
}

/**
 * The calendar as a table: one column per day, one row per start time in the schedule's zone. Booked
 * appointments open their actions; free slots open booking.
 */
export function CalendarGrid({
  days,
  today,
  timeZone,
  appointments,
  slots,
  patients,
  offeredSlots,
  onOpenAppointment,
  onBook,
}: CalendarGridProps) {
  const entries: Entry[] = [
    ...appointments
      .filter((appointment) => appointment.start)
      .map((appointment) => ({ kind: 'appointment' as const, start: appointment.start!, appointment })),
    ...slots.map((slot) => ({ kind: 'slot' as const, start: slot.start, slot })),
  ];
  const rows = buildGrid(days, entries, timeZone);
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Table
        withTableBorder
        withColumnBorders
        layout="fixed"
        miw={days.length > 1 ? 900 : undefined}
        verticalSpacing={4}
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={70} scope="col">
              Time
            </Table.Th>
            {days.map((day) => (
              <Table.Th key={day} scope="col" bg={day === today ? 'blue.0' : undefined}>
                {dayHeading(day)}
                {day === today ? ' (today)' : ''}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.time}>
              <Table.Th scope="row" fw={600} fz="sm">
                {row.time}
              </Table.Th>
              {row.cells.map((cell, index) => (
                <Table.Td key={days[index]} style={{ verticalAlign: 'top' }}>
                  <Stack gap={4}>
                    {cell.map((entry) =>
                      entry.kind === 'appointment' ? (
                        <AppointmentChip
                          key={entry.appointment.id}
                          appointment={entry.appointment}
                          patient={patients.get(participantOf(entry.appointment, 'Patient') ?? '') ?? 'Patient'}
                          timeZone={timeZone}
                          onOpen={() => onOpenAppointment(entry.appointment)}
                        />
                      ) : (
                        <SlotButton
                          key={entry.slot.id}
                          slot={entry.slot}
                          label={`${dayHeading(days[index]!)} ${row.time}`}
                          offered={offeredSlots?.has(entry.slot.id) ?? false}
                          onBook={() => onBook(entry.slot)}
                        />
                      ),
                    )}
                  </Stack>
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
