import {
  Badge,
  Button,
  Card,
  CloseButton,
  Grid,
  Group,
  Modal,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../api/useApi';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { BedCard, type BedCommand, type Dragged } from './BedCard';
import { BED_STATUS, bedPlaces, freeBeds, occupancySummary } from './bed-display';
import { bedActions, fetchBoard } from './beds-api';
import { WaitingPatients } from './WaitingPatients';

function BlockDialog({
  label,
  onBlock,
  onClose,
}: {
  label: string;
  onBlock: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    onBlock(reason.trim());
  };
  return (
    <Modal opened onClose={onClose} title={`Block ${label}`} closeButtonProps={{ 'aria-label': 'Close' }}>
      <form onSubmit={submit} aria-label="Block bed" noValidate>
        <Stack>
          <TextInput
            label="Reason"
            required
            data-autofocus
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={missing ? 'Say why the bed is blocked' : undefined}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">Block bed</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function Board() {
  const { http } = useApi();
  const queryClient = useQueryClient();
  const board = useQuery({ queryKey: ['beds', 'board'], queryFn: ({ signal }) => fetchBoard(http, signal) });
  const [dragging, setDragging] = useState<Dragged | undefined>();
  const [blocking, setBlocking] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const wards = board.data ?? [];
  const places = bedPlaces(wards);
  const placeOf = (id: string) => places.find((place) => place.id === id);
  const free = freeBeds(wards);

  const run = useMutation({
    mutationFn: async (command: BedCommand & { reason?: string }) => {
      switch (command.kind) {
        case 'admit':
          await bedActions.admit(http, command.patientId, command.bed);
          return `Admitted ${command.name} to ${placeOf(command.bed)?.label}.`;
        case 'transfer':
          await bedActions.transfer(http, command.encounter, command.bed);
          return `Moved ${command.name} to ${placeOf(command.bed)?.label}.`;
        case 'discharge':
          await bedActions.discharge(http, command.encounter);
          return `Discharged ${command.name}; ${placeOf(command.bed)?.label} is now being cleaned.`;
        case 'cleaned':
          await bedActions.cleaned(http, command.bed);
          return `${placeOf(command.bed)?.label} is clean and free.`;
        case 'block':
          await bedActions.block(http, command.bed, command.reason ?? '');
          return `${placeOf(command.bed)?.label} is blocked.`;
        case 'unblock':
          await bedActions.unblock(http, command.bed);
          return `${placeOf(command.bed)?.label} is free again.`;
      }
    },
    onMutate: () => setMessage(undefined),
    onSuccess: (text) => setMessage(text),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['beds'] }),
  });
  const command = (next: BedCommand) => {
    if (next.kind === 'block') setBlocking(next.bed);
    else run.mutate(next);
  };

  if (board.isPending) return <Skeleton h={320} aria-label="Loading the bed board" />;
  if (board.isError) {
    return (
      <ErrorAlert title="The bed board could not be loaded" error={board.error} onRetry={() => void board.refetch()} />
    );
  }
  return (
    <>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4, lg: 3 }}>
          <WaitingPatients
            freeBeds={free}
            busy={run.isPending}
            onDragStart={setDragging}
            onDragEnd={() => setDragging(undefined)}
            onCommand={command}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8, lg: 9 }}>
          <Stack>
            <div role="status" aria-live="polite">
              {message && (
                <Paper withBorder p="sm" radius="md" style={{ borderColor: 'var(--mantine-color-green-7)' }}>
                  <Group justify="space-between" wrap="nowrap">
                    <Text fw={600} c="dark.8">
                      {message}
                    </Text>
                    <CloseButton aria-label="Dismiss" onClick={() => setMessage(undefined)} />
                  </Group>
                </Paper>
              )}
            </div>
            {run.error && <ErrorAlert title="That did not work" error={run.error} />}
            {wards.length === 0 && (
              <EmptyState title="No wards yet">An administrator sets up wards with their rooms and beds.</EmptyState>
            )}
            {wards.map((ward) => (
              <Card key={ward.id} withBorder padding="md" component="section" aria-labelledby={`ward-${ward.id}`}>
                <Stack gap="sm">
                  <Group justify="space-between" wrap="wrap">
                    <Title order={2} size="h3" id={`ward-${ward.id}`}>
                      {ward.name}
                    </Title>
                    <Text fw={600} aria-label={`Occupancy of ${ward.name}`}>
                      {occupancySummary(ward.now)}
                    </Text>
                  </Group>
                  <Group gap="xs" aria-label={`Beds of ${ward.name} by status`} role="group">
                    {(['free', 'occupied', 'cleaning', 'blocked'] as const).map((status) => (
                      <Badge key={status} color={BED_STATUS[status].color} variant="light" c="dark.8">
                        {ward.now[status]} {BED_STATUS[status].label.toLowerCase()}
                      </Badge>
                    ))}
                  </Group>
                  {ward.rooms.map((room) => (
                    <Stack key={room.id} gap={6}>
                      <Title order={3} size="h5" id={`room-${room.id}`}>
                        {room.name}
                      </Title>
                      {room.beds.length === 0 ? (
                        <Text size="sm" c="dark.6">
                          No beds in this room
                        </Text>
                      ) : (
                        <SimpleGrid
                          component="ul"
                          cols={{ base: 1, sm: 2, xl: 3 }}
                          spacing="sm"
                          p={0}
                          m={0}
                          aria-labelledby={`room-${room.id}`}
                        >
                          {room.beds.map((bed) => (
                            <BedCard
                              key={bed.id}
                              bed={bed}
                              place={placeOf(bed.id)!}
                              freeBeds={free}
                              dragging={dragging}
                              busy={run.isPending}
                              onDragStart={setDragging}
                              onDragEnd={() => setDragging(undefined)}
                              onCommand={command}
                            />
                          ))}
                        </SimpleGrid>
                      )}
                    </Stack>
                  ))}
                </Stack>
              </Card>
            ))}
          </Stack>
        </Grid.Col>
      </Grid>
      {blocking && (
        <BlockDialog
          label={placeOf(blocking)?.label ?? 'bed'}
          onClose={() => setBlocking(undefined)}
          onBlock={(reason) => {
            run.mutate({ kind: 'block', bed: blocking, reason });
            setBlocking(undefined);
          }}
        />
      )}
    </>
  );
}

/** The bed board: wards → rooms → beds, with admissions, transfers, discharges and bed status. */
export function BedBoardPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.beds} what="the bed board">
      <PageHeader title="Bed board" description="Who lies where, which beds are free, being cleaned or blocked." />
      <Board />
    </RequireRole>
  );
}
