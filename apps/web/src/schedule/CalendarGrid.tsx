import { Badge, Box, Button, Paper, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { buildGrid, dayHeading, type LocalDate, localParts } from './calendar-time';
import { type FreeSlot, participantOf, statusLabel, visitTypeOf } from './scheduling-api';

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
  const status = statusLabel(appointment.status);
  const visitType = visitTypeOf(appointment);
  const time = localParts(appointment.start!, timeZone).time;
  const end = appointment.end ? localParts(appointment.end, timeZone).time : undefined;
  const inactive = ['cancelled', 'noshow', 'entered-in-error'].includes(appointment.status);
  return (
    <UnstyledButton onClick={onOpen} w="100%">
      <Paper
        withBorder
        p={6}
        radius="sm"
        bg={inactive ? 'gray.0' : 'blue.0'}
        style={{ borderLeft: `4px solid var(--mantine-color-${status.color}-7)` }}
      >
        <Text size="xs" c="dark.6">
          {time}
          {end ? `–${end}` : ''}
        </Text>{' '}
        <Text size="sm" fw={600} td={inactive ? 'line-through' : undefined} lineClamp={2}>
          {patient}
        </Text>{' '}
        {visitType && (
          <>
            <Text size="xs" c="dark.6" lineClamp={1}>
              {visitType}
            </Text>{' '}
          </>
        )}
        <Badge size="xs" color={status.color} variant="light" mt={2} c="dark.8">
          {status.label}
        </Badge>
      </Paper>
    </UnstyledButton>
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
                        <Button
                          key={entry.slot.id}
                          size="compact-xs"
                          variant="default"
                          fullWidth
                          onClick={() => onBook(entry.slot)}
                          aria-label={`Book ${dayHeading(days[index]!)} ${row.time}`}
                        >
                          Book
                        </Button>
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
