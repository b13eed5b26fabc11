import { Alert, Button, Card, Group, Loader, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useApi } from '../api/useApi';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { bookAppointment, type FreeSlot, fetchFreeSlots, rescheduleAppointment } from './portal-api';
import { describeRules, formatTime, formatWhen, practitionerName, refusalMessage, slotsByDay } from './portal-format';
import { usePortalPatient } from './portal-patient';
import { portalKeys, useAppointments, useBookingRules, usePractitioners, useVisitTypes } from './usePortal';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Booking (or, with `?reschedule=<id>`, moving) an appointment: visit type, clinician, a free time. */
export function BookAppointmentPage() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const patientId = usePortalPatient();
  const { reschedule } = useSearch({ strict: false }) as { reschedule?: string };
  const appointments = useAppointments(patientId);
  const moving = reschedule ? appointments.data?.find((appointment) => appointment.id === reschedule) : undefined;
  const visitTypes = useVisitTypes();
  const practitioners = usePractitioners();
  const rules = useBookingRules();
  const [visitType, setVisitType] = useState<string | null>(null);
  const [practitioner, setPractitioner] = useState<string | null>(null);
  const [week, setWeek] = useState(0);
  const [chosen, setChosen] = useState<FreeSlot | undefined>();
  // The moment the page opened: the search window does not creep on every render.
  const [openedAt] = useState(() => Date.now());

  const range = useMemo(() => {
    if (!rules.data) return undefined;
    const earliest = openedAt + rules.data.minNoticeHours * 3_600_000;
    const latest = openedAt + rules.data.maxDaysAhead * DAY_MS;
    const from = earliest + week * WEEK_MS;
    const to = Math.min(from + WEEK_MS, latest);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), hasLater: to < latest };
  }, [rules.data, openedAt, week]);

  const filter = { practitioner: practitioner ?? undefined, visitType: visitType ?? undefined, ...range };
  const slots = useQuery({
    queryKey: portalKeys.slots(filter),
    queryFn: ({ signal }) => fetchFreeSlots(api, { ...filter, from: range!.from, to: range!.to }, signal),
    enabled: Boolean(range),
  });

  const submit = useMutation({
    mutationFn: (slot: FreeSlot) =>
      reschedule
        ? rescheduleAppointment(api, reschedule, slot.id)
        : bookAppointment(api, { slot: slot.id, patient: patientId, visitType: visitType ?? undefined }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['portal'] });
      await navigate({ to: '/portal', search: {} });
    },
    onError: () => void queryClient.invalidateQueries({ queryKey: ['portal', 'slots'] }),
  });

  const nameOf = (reference: string | undefined) =>
    practitionerName(practitioners.data?.find((candidate) => `Practitioner/${candidate.id}` === reference));
  const title = reschedule ? 'Move your appointment' : 'Book an appointment';

  return (
    <Stack gap="lg">
      <PageHeader
        title={title}
        description={
          <>
            {moving && <>Now: {formatWhen(moving.start)}. </>}
            {rules.data && describeRules(rules.data)}
          </>
        }
        actions={
          <Button component={Link} to="/portal" variant="default">
            Back to appointments
          </Button>
        }
      />
      {(visitTypes.isError || practitioners.isError || rules.isError) && (
        <ErrorAlert
          error={visitTypes.error ?? practitioners.error ?? rules.error}
          title="The booking form could not load"
        />
      )}
      <Card withBorder radius="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Visit type"
            placeholder={visitTypes.data?.length ? 'Any visit type' : 'No visit types offered'}
            data={(visitTypes.data ?? []).map((type) => ({
              value: type.id,
              label: `${type.name} (${type.durationMinutes} min)`,
            }))}
            value={visitType}
            onChange={(value) => {
              setVisitType(value);
              setChosen(undefined);
            }}
            clearable
            disabled={Boolean(reschedule)}
            description={reschedule ? 'Moving keeps the visit type' : undefined}
          />
          <Select
            label="Clinician"
            placeholder="Any clinician"
            data={(practitioners.data ?? []).map((candidate) => ({
              value: candidate.id!,
              label: practitionerName(candidate),
            }))}
            value={practitioner}
            onChange={(value) => {
              setPractitioner(value);
              setChosen(undefined);
            }}
            clearable
            searchable
          />
        </SimpleGrid>
      </Card>

      <Stack gap="sm" component="section" aria-labelledby="free-times">
        <Group justify="space-between">
          <Title order={2} size="h4" id="free-times">
            Free times
          </Title>
          <Group gap="xs">
            <Button
              variant="default"
              size="xs"
              leftSection={<IconChevronLeft size={16} aria-hidden />}
              disabled={week === 0}
              onClick={() => setWeek((current) => current - 1)}
            >
              Earlier
            </Button>
            <Button
              variant="default"
              size="xs"
              rightSection={<IconChevronRight size={16} aria-hidden />}
              disabled={!range?.hasLater}
              onClick={() => setWeek((current) => current + 1)}
            >
              Later
            </Button>
          </Group>
        </Group>
        {(slots.isPending || !range) && !rules.isError && <Loader aria-label="Looking for free times" />}
        {slots.isError && (
          <ErrorAlert title="Free times could not be loaded" error={slots.error} onRetry={() => slots.refetch()} />
        )}
        {slots.isSuccess && slots.data.length === 0 && (
          <EmptyState title="No free times this week">
            Try later dates, another clinician or another visit type.
          </EmptyState>
        )}
        {slots.isSuccess &&
          slotsByDay(slots.data).map((group) => (
            <Stack key={group.day} gap={6} component="section" aria-label={group.day}>
              <Text fw={600}>{group.day}</Text>
              <Group gap="xs">
                {group.slots.map((slot) => {
                  const selected = chosen?.id === slot.id;
                  return (
                    <Button
                      key={slot.id}
                      size="sm"
                      variant={selected ? 'filled' : 'outline'}
                      aria-pressed={selected}
                      aria-label={`${formatWhen(slot.start)} with ${nameOf(slot.practitioner)}`}
                      onClick={() => {
                        submit.reset();
                        setChosen(slot);
                      }}
                    >
                      {formatTime(slot.start)}
                    </Button>
                  );
                })}
              </Group>
            </Stack>
          ))}
      </Stack>

      {chosen && (
        <Card withBorder radius="md" component="section" aria-label="Your choice">
          <Stack gap="sm">
            <Text>
              <strong>{formatWhen(chosen.start)}</strong> with {nameOf(chosen.practitioner)}
            </Text>
            {submit.isError && (
              <Alert color="red" role="alert" title="The clinic did not accept this time">
                {refusalMessage(submit.error)}
              </Alert>
            )}
            <Group>
              <Button loading={submit.isPending} onClick={() => submit.mutate(chosen)}>
                {reschedule ? 'Move appointment' : 'Book appointment'}
              </Button>
            </Group>
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
