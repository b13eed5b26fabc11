import { Button, Card, Group, SegmentedControl, Select, Skeleton, Stack, Text } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { IconChevronLeft, IconChevronRight, IconWorld } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { AppointmentDialog } from './AppointmentDialog';
import { BookDialog } from './BookDialog';
import { CalendarGrid } from './CalendarGrid';
import { CalendarLegend } from './CalendarLegend';
import { addDays, type LocalDate, longDay, todayIn, weekDates, weekRangeLabel, zoneLabel } from './calendar-time';
import type { PickedPatient } from './PatientPicker';
import type { CalendarView, FreeSlot } from './scheduling-api';
import { participantOf } from './scheduling-api';
import { useCalendar, useFreeSlots, useSchedules, useVisitTypes } from './useCalendar';
import { useOpenOffers } from './useWaitlist';
import { referenceId } from './waitlist-api';

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** Where the calendar is: whose schedule, day or week, which date (undefined: today). */
export interface CalendarPosition {
  scheduleId: string | null;
  view: CalendarView;
  date?: LocalDate | undefined;
}

interface ScheduleCalendarProps {
  position: CalendarPosition;
  onPosition: (position: CalendarPosition) => void;
  onAddToWaitlist: (patient: PickedPatient, practitionerId: string | undefined) => void;
  onOpenWaitlist: () => void;
}

/** A practitioner's day or week: appointments, free slots to book, and what each appointment allows. */
export function ScheduleCalendar({ position, onPosition, onAddToWaitlist, onOpenWaitlist }: ScheduleCalendarProps) {
  const queryClient = useQueryClient();
  const schedules = useSchedules();
  const visitTypes = useVisitTypes();
  const offers = useOpenOffers();
  const [booking, setBooking] = useState<FreeSlot | undefined>();
  const [opened, setOpened] = useState<Appointment | undefined>();
  const { view } = position;

  const schedule = schedules.data?.find((candidate) => candidate.id === position.scheduleId) ?? schedules.data?.[0];
  const timeZone = schedule?.timeZone ?? 'UTC';
  const today = todayIn(timeZone);
  const day = position.date ?? today;
  const days = view === 'week' ? weekDates(day) : [day];
  const calendar = useCalendar({
    practitioner: schedule?.practitionerId,
    date: day,
    view,
    timeZone,
    enabled: Boolean(schedule),
  });
  const slotsQuery = useFreeSlots(schedule?.id, calendar.data?.from, calendar.data?.to);
  // Slots already begun are not offered.
  const now = Date.now();
  const slots = (slotsQuery.data ?? []).filter((slot) => Date.parse(slot.start) > now && slot.seatsLeft > 0);
  const offeredSlots = new Set(
    (offers.data ?? []).map((offer) => referenceId(offer.slot, 'Slot')).filter((id): id is string => Boolean(id)),
  );
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['scheduling'] });
  const move = (change: Partial<CalendarPosition>) => onPosition({ ...position, ...change });

  if (schedules.isPending) return <Skeleton h={300} aria-label="Loading schedules" />;
  if (schedules.isError)
    return (
      <ErrorAlert
        title="Schedules could not be loaded"
        error={schedules.error}
        onRetry={() => void schedules.refetch()}
      />
    );
  if (!schedule) {
    return (
      <EmptyState title="No schedules yet">
        A practitioner needs a schedule with availability before appointments can be booked.
      </EmptyState>
    );
  }
  const step = view === 'week' ? 7 : 1;
  const appointments = calendar.data?.appointments ?? [];
  const patients = calendar.data?.patients ?? new Map<string, string>();

  return (
    <Stack>
      <Card withBorder padding="sm">
        <Group justify="space-between" wrap="wrap">
          <Group wrap="wrap" align="flex-end">
            <Select
              label="Practitioner"
              data={schedules.data.map((candidate) => ({ value: candidate.id, label: candidate.practitionerName }))}
              value={schedule.id}
              onChange={(value) => value && move({ scheduleId: value })}
              allowDeselect={false}
              w={240}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="calendar-view-label">
                View
              </Text>
              <SegmentedControl
                aria-labelledby="calendar-view-label"
                data={[
                  { value: 'day', label: 'Day' },
                  { value: 'week', label: 'Week' },
                ]}
                value={view}
                onChange={(value) => move({ view: value as CalendarView })}
              />
            </Stack>
          </Group>
          <Group gap="xs" align="center">
            <Button
              variant="default"
              aria-label={view === 'week' ? 'Previous week' : 'Previous day'}
              onClick={() => move({ date: addDays(day, -step) })}
            >
              <IconChevronLeft size={18} aria-hidden />
            </Button>
            <Button variant="default" onClick={() => move({ date: undefined })}>
              Today
            </Button>
            <Button
              variant="default"
              aria-label={view === 'week' ? 'Next week' : 'Next day'}
              onClick={() => move({ date: addDays(day, step) })}
            >
              <IconChevronRight size={18} aria-hidden />
            </Button>
          </Group>
        </Group>
      </Card>
      <Group justify="space-between" wrap="wrap">
        <Text fw={650} size="lg" role="status" aria-live="polite">
          {view === 'week' ? `Week of ${weekRangeLabel(day)}` : longDay(day)}
        </Text>
        <Group gap={6}>
          <IconWorld size={18} aria-hidden />
          <Text size="sm">Times in {zoneLabel(timeZone, new Date(`${day}T12:00:00Z`))}</Text>
        </Group>
      </Group>
      {calendar.isError ? (
        <ErrorAlert
          title="The calendar could not be loaded"
          error={calendar.error}
          onRetry={() => void calendar.refetch()}
        />
      ) : calendar.isPending ? (
        <Skeleton h={300} aria-label="Loading the calendar" />
      ) : (
        <>
          {slotsQuery.isError && <ErrorAlert title="Free slots could not be loaded" error={slotsQuery.error} />}
          {appointments.length === 0 && slots.length === 0 ? (
            <EmptyState title={view === 'week' ? 'Nothing this week' : 'Nothing this day'}>
              No appointments and no free slots. Try another {view}.
            </EmptyState>
          ) : (
            <section aria-label={`Calendar of ${schedule.practitionerName}`}>
              <Group justify="space-between" wrap="wrap" mb={6} gap="xs">
                <Text size="sm" c="dark.6">
                  {counted(
                    appointments.filter((appointment) => appointment.status !== 'cancelled').length,
                    'appointment',
                  )}{' '}
                  · {counted(slots.length, 'free slot')}
                </Text>
                <CalendarLegend />
              </Group>
              <CalendarGrid
                days={days}
                today={today}
                timeZone={timeZone}
                appointments={appointments}
                slots={slots}
                patients={patients}
                offeredSlots={offeredSlots}
                onOpenAppointment={setOpened}
                onBook={setBooking}
              />
            </section>
          )}
        </>
      )}
      {booking && (
        <BookDialog
          slot={booking}
          slots={slots}
          timeZone={timeZone}
          practitionerName={schedule.practitionerName}
          visitTypes={visitTypes.data ?? []}
          onClose={() => setBooking(undefined)}
          onBooked={() => {
            setBooking(undefined);
            refresh();
          }}
        />
      )}
      {opened && (
        <AppointmentDialog
          appointment={opened}
          patientName={patients.get(participantOf(opened, 'Patient') ?? '') ?? 'Patient'}
          timeZone={timeZone}
          slots={slots}
          onClose={() => setOpened(undefined)}
          onChanged={refresh}
          onAddToWaitlist={(patient) => {
            setOpened(undefined);
            onAddToWaitlist(patient, participantOf(opened, 'Practitioner'));
          }}
          onOpenWaitlist={() => {
            setOpened(undefined);
            onOpenWaitlist();
          }}
        />
      )}
    </Stack>
  );
}
