import { Badge, Tabs } from '@mantine/core';
import type { Appointment } from '@medplum/fhirtypes';
import { IconCalendar, IconListDetails } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { WAITLIST_KEY } from '../live/live-events';
import { PageHeader } from '../shared/PageHeader';
import { localParts } from './calendar-time';
import type { PickedPatient } from './PatientPicker';
import { type CalendarPosition, ScheduleCalendar } from './ScheduleCalendar';
import { participantOf } from './scheduling-api';
import { useSchedules, useVisitTypes } from './useCalendar';
import { useOpenOffers } from './useWaitlist';
import { WaitlistDialog } from './WaitlistDialog';
import { WaitlistPanel } from './WaitlistPanel';

type Tab = 'calendar' | 'waitlist';

interface Adding {
  patient?: PickedPatient | undefined;
  practitioner?: string | undefined;
}

function FrontDesk() {
  const queryClient = useQueryClient();
  const schedules = useSchedules();
  const visitTypes = useVisitTypes();
  const offers = useOpenOffers();
  const [tab, setTab] = useState<Tab>('calendar');
  const [position, setPosition] = useState<CalendarPosition>({ scheduleId: null, view: 'week' });
  const [adding, setAdding] = useState<Adding | undefined>();

  const practitioners = (schedules.data ?? []).map((schedule) => ({
    id: schedule.practitionerId,
    name: schedule.practitionerName,
    timeZone: schedule.timeZone,
  }));
  const defaultTimeZone = schedules.data?.[0]?.timeZone ?? 'UTC';
  const openOffers = offers.data?.length ?? 0;

  /** The calendar at the day of an appointment, in its practitioner's schedule. */
  const showAppointment = (appointment: Appointment) => {
    const practitioner = participantOf(appointment, 'Practitioner');
    const schedule = schedules.data?.find((candidate) => candidate.practitionerId === practitioner);
    setPosition({
      ...position,
      scheduleId: schedule?.id ?? position.scheduleId,
      date: localParts(appointment.start!, schedule?.timeZone ?? defaultTimeZone).date,
    });
    setTab('calendar');
  };

  return (
    <>
      <Tabs value={tab} onChange={(value) => value && setTab(value as Tab)}>
        <Tabs.List mb="md">
          <Tabs.Tab value="calendar" leftSection={<IconCalendar size={16} aria-hidden />}>
            Calendar
          </Tabs.Tab>
          <Tabs.Tab
            value="waitlist"
            leftSection={<IconListDetails size={16} aria-hidden />}
            rightSection={
              openOffers > 0 ? (
                <Badge size="sm" color="grape" variant="light" c="dark.8">
                  {openOffers} {openOffers === 1 ? 'offer' : 'offers'}
                </Badge>
              ) : undefined
            }
          >
            Waitlist
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="calendar">
          <ScheduleCalendar
            position={position}
            onPosition={setPosition}
            onAddToWaitlist={(patient, practitioner) => setAdding({ patient, practitioner })}
            onOpenWaitlist={() => setTab('waitlist')}
          />
        </Tabs.Panel>
        <Tabs.Panel value="waitlist">
          <WaitlistPanel
            practitioners={practitioners}
            visitTypes={visitTypes.data ?? []}
            defaultTimeZone={defaultTimeZone}
            onAdd={() => setAdding({})}
            onShowAppointment={showAppointment}
          />
        </Tabs.Panel>
      </Tabs>
      {adding && (
        <WaitlistDialog
          practitioners={practitioners}
          visitTypes={visitTypes.data ?? []}
          defaultTimeZone={defaultTimeZone}
          initialPatient={adding.patient}
          initialPractitioner={adding.practitioner}
          onClose={() => setAdding(undefined)}
          onAdded={() => {
            setAdding(undefined);
            setTab('waitlist');
            void queryClient.invalidateQueries({ queryKey: WAITLIST_KEY });
          }}
        />
      )}
    </>
  );
}

/** The front desk's schedule: a practitioner's day or week with appointments and free slots, and the waitlist. */
export function SchedulePage() {
  return (
    <RequireRole roles={SCREEN_ROLES.schedule} what="the schedule">
      <PageHeader title="Schedule" description="Appointments, free slots and the waitlist by practitioner." />
      <FrontDesk />
    </RequireRole>
  );
}
