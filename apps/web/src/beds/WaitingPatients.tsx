import { Button, Card, Group, Menu, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconGripVertical, IconSearch } from '@tabler/icons-react';
import type { DragEvent } from 'react';
import { useState } from 'react';
import { formatPatientName, mrnOf } from '../patients/patient-display';
import { isSearchable } from '../patients/patient-search-query';
import { usePatientSearch } from '../patients/usePatientSearch';
import { type BedCommand, DRAG_TYPE, type Dragged } from './BedCard';
import type { BedPlace } from './bed-display';

/** Patients to admit: found by search, dragged onto a free bed or sent to one with "Admit to…". */
export function WaitingPatients({
  freeBeds,
  busy,
  onDragStart,
  onDragEnd,
  onCommand,
}: {
  freeBeds: BedPlace[];
  busy: boolean;
  onDragStart: (dragged: Dragged) => void;
  onDragEnd: () => void;
  onCommand: (command: BedCommand) => void;
}) {
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text.trim(), 200);
  const search = usePatientSearch(debounced, 8);
  const patients = isSearchable(debounced) ? (search.data?.resources ?? []) : [];

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="admit-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="admit-heading">
          Patients to admit
        </Title>
        <TextInput
          label="Find a patient to admit"
          type="search"
          autoComplete="off"
          placeholder="Name, MRN, birth date or phone"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
        />
        <Text size="xs" c="dark.6">
          Drag a patient onto a free bed, or use “Admit to…”.
        </Text>
        {isSearchable(debounced) && search.isSuccess && patients.length === 0 && (
          <Text size="sm" c="dark.6">
            No patients match
          </Text>
        )}
        {search.isError && (
          <Text size="sm" c="red.9">
            Patient search failed
          </Text>
        )}
        <Stack gap={6} component="ul" p={0} m={0} aria-label="Patients found">
          {patients.map((patient) => {
            const name = formatPatientName(patient);
            const mrn = mrnOf(patient);
            const dragged: Dragged = { kind: 'patient', patientId: patient.id!, name };
            return (
              <Paper
                key={patient.id}
                component="li"
                withBorder
                p={8}
                draggable
                aria-label={name}
                style={{ listStyle: 'none', cursor: 'grab' }}
                onDragStart={(event: DragEvent) => {
                  event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(dragged));
                  event.dataTransfer.effectAllowed = 'move';
                  onDragStart(dragged);
                }}
                onDragEnd={onDragEnd}
              >
                <Group justify="space-between" gap={6}>
                  <Group gap={6} wrap="nowrap">
                    <IconGripVertical size={16} aria-hidden />
                    <Stack gap={0}>
                      <Text size="sm" fw={600}>
                        {name}
                      </Text>
                      <Text size="xs" c="dark.6">
                        {[patient.birthDate, mrn ? `MRN ${mrn}` : undefined].filter(Boolean).join(' · ')}
                      </Text>
                    </Stack>
                  </Group>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Button
                        size="compact-xs"
                        variant="light"
                        rightSection={<IconChevronDown size={12} aria-hidden />}
                        disabled={busy || freeBeds.length === 0}
                        aria-label={`Admit to… (${name})`}
                      >
                        Admit to…
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Label>Free beds</Menu.Label>
                      {freeBeds.map((bed) => (
                        <Menu.Item
                          key={bed.id}
                          onClick={() => onCommand({ kind: 'admit', patientId: patient.id!, name, bed: bed.id })}
                        >
                          {bed.label}
                        </Menu.Item>
                      ))}
                    </Menu.Dropdown>
                  </Menu>
                </Group>
              </Paper>
            );
          })}
        </Stack>
      </Stack>
    </Card>
  );
}
