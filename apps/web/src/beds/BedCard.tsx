import { Badge, Button, Group, Menu, Paper, Stack, Text } from '@mantine/core';
import { IconArrowsMove, IconChevronDown } from '@tabler/icons-react';
import { type DragEvent, useState } from 'react';
import { PatientLink } from '../shared/PatientLink';
import { BED_STATUS, type BedPlace, sinceLabel } from './bed-display';
import type { BoardBed } from './beds-api';

/** What is being dragged: a patient waiting for a bed, or the stay in an occupied bed. */
export type Dragged =
  | { kind: 'patient'; patientId: string; name: string }
  | { kind: 'stay'; encounter: string; name: string; fromBed: string };

export const DRAG_TYPE = 'application/x-meridian-bed-board';

export type BedCommand =
  | { kind: 'admit'; patientId: string; name: string; bed: string }
  | { kind: 'transfer'; encounter: string; name: string; bed: string }
  | { kind: 'discharge'; encounter: string; name: string; bed: string }
  | { kind: 'cleaned'; bed: string }
  | { kind: 'block'; bed: string }
  | { kind: 'unblock'; bed: string };

interface BedCardProps {
  bed: BoardBed;
  place: BedPlace;
  freeBeds: BedPlace[];
  dragging: Dragged | undefined;
  busy: boolean;
  onDragStart: (dragged: Dragged) => void;
  onDragEnd: () => void;
  onCommand: (command: BedCommand) => void;
}

/** One bed: status as colour and word, who lies there, and what can be done (by drag or by button). */
export function BedCard({ bed, place, freeBeds, dragging, busy, onDragStart, onDragEnd, onCommand }: BedCardProps) {
  const [over, setOver] = useState(false);
  const status = BED_STATUS[bed.status];
  const patient = bed.patient ?? undefined;
  const acceptsDrop = bed.status === 'free' && dragging !== undefined;
  const since = sinceLabel(bed.since);

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const dragged = dragging ?? parseDragged(event.dataTransfer.getData(DRAG_TYPE));
    if (!dragged || bed.status !== 'free') return;
    if (dragged.kind === 'patient') {
      onCommand({ kind: 'admit', patientId: dragged.patientId, name: dragged.name, bed: bed.id });
    } else if (dragged.fromBed !== bed.id) {
      onCommand({ kind: 'transfer', encounter: dragged.encounter, name: dragged.name, bed: bed.id });
    }
    onDragEnd();
  };

  const draggable = bed.status === 'occupied' && Boolean(bed.encounter) && Boolean(patient);
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      radius="md"
      aria-label={`${place.label}: ${status.label}${patient ? `, ${patient.name}` : ''}`}
      data-status={bed.status}
      draggable={draggable}
      onDragStart={(event: DragEvent) => {
        if (!draggable) return;
        const dragged: Dragged = { kind: 'stay', encounter: bed.encounter!, name: patient!.name, fromBed: bed.id };
        event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragged));
        event.dataTransfer.effectAllowed = 'move';
        onDragStart(dragged);
      }}
      onDragEnd={onDragEnd}
      onDragOver={(event: DragEvent) => {
        if (bed.status !== 'free') return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        if (!over) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
      style={{
        listStyle: 'none',
        borderLeft: `6px solid var(--mantine-color-${status.color}-6)`,
        outline: over
          ? '3px dashed var(--mantine-color-blue-7)'
          : acceptsDrop
            ? '2px dashed var(--mantine-color-green-7)'
            : undefined,
        cursor: draggable ? 'grab' : undefined,
        minHeight: 118,
      }}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={650} style={{ whiteSpace: 'nowrap' }}>
            Bed {bed.name}
          </Text>
          <Badge color={status.color} variant="light" c="dark.8">
            {status.label}
          </Badge>
        </Group>
        {bed.status === 'occupied' &&
          (patient ? (
            <PatientLink patientId={patient.id} fw={600} size="sm">
              {patient.name}
            </PatientLink>
          ) : (
            <Text size="sm" c="dark.6">
              Patient not shown
            </Text>
          ))}
        {bed.status === 'blocked' && bed.reason && (
          <Text size="sm" c="dark.6">
            {bed.reason}
          </Text>
        )}
        {since && (
          <Text size="xs" c="dark.6">
            {status.label} {since}
          </Text>
        )}
        <Group gap={6}>
          {bed.status === 'occupied' && bed.encounter && patient && (
            <>
              <Menu position="bottom-start" withinPortal>
                <Menu.Target>
                  <Button
                    size="compact-xs"
                    variant="light"
                    leftSection={<IconArrowsMove size={14} aria-hidden />}
                    rightSection={<IconChevronDown size={12} aria-hidden />}
                    disabled={busy || freeBeds.length === 0}
                    aria-label={`Move to… (${patient.name})`}
                  >
                    Move to…
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>Free beds</Menu.Label>
                  {freeBeds.map((target) => (
                    <Menu.Item
                      key={target.id}
                      onClick={() =>
                        onCommand({ kind: 'transfer', encounter: bed.encounter!, name: patient.name, bed: target.id })
                      }
                    >
                      {target.label}
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
              <Button
                size="compact-xs"
                variant="light"
                color="red"
                disabled={busy}
                onClick={() =>
                  onCommand({ kind: 'discharge', encounter: bed.encounter!, name: patient.name, bed: bed.id })
                }
                aria-label={`Discharge ${patient.name}`}
              >
                Discharge
              </Button>
            </>
          )}
          {bed.status === 'cleaning' && (
            <Button
              size="compact-xs"
              variant="light"
              disabled={busy}
              onClick={() => onCommand({ kind: 'cleaned', bed: bed.id })}
              aria-label={`Cleaned (${place.label})`}
            >
              Cleaned
            </Button>
          )}
          {(bed.status === 'free' || bed.status === 'cleaning') && (
            <Button
              size="compact-xs"
              variant="default"
              disabled={busy}
              onClick={() => onCommand({ kind: 'block', bed: bed.id })}
              aria-label={`Block ${place.label}`}
            >
              Block
            </Button>
          )}
          {bed.status === 'blocked' && (
            <Button
              size="compact-xs"
              variant="default"
              disabled={busy}
              onClick={() => onCommand({ kind: 'unblock', bed: bed.id })}
              aria-label={`Unblock ${place.label}`}
            >
              Unblock
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

function parseDragged(data: string): Dragged | undefined {
  try {
    const value = JSON.parse(data) as Dragged;
    return value && (value.kind === 'patient' || value.kind === 'stay') ? value : undefined;
  } catch {
    return undefined;
  }
}
