import { Button, Group, Paper, Select, Stack, Title } from '@mantine/core';
import type { Encounter } from '@medplum/fhirtypes';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { hasAnyRole } from '../auth/roles';
import { useAuth } from '../auth/useAuth';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { codesText, periodText } from './clinical-display';
import { NoteCard } from './NoteCard';
import { threadNotes } from './notes-api';
import { useChartSearch } from './useChartSearch';
import { useNoteActions, useNotes, useNoteTemplates } from './useNotes';

const OPEN_ENCOUNTER = new Set(['planned', 'arrived', 'triaged', 'in-progress', 'onleave']);

/** Starts a draft from a template, optionally for one of the patient's open encounters. */
function NewNoteForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const templates = useNoteTemplates(true);
  const encounters = useChartSearch('Encounter', patientId);
  const actions = useNoteActions(patientId);
  const [template, setTemplate] = useState<string | null>('soap');
  const [encounter, setEncounter] = useState<string | null>(null);
  const open = ((encounters.data?.resources ?? []) as Encounter[]).filter((entry) => OPEN_ENCOUNTER.has(entry.status));
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="New note">
      <Stack gap="sm">
        <Group align="flex-end" wrap="wrap">
          <Select
            label="Template"
            data={(templates.data ?? []).map((entry) => ({ value: entry.id, label: entry.title }))}
            value={template}
            onChange={setTemplate}
            allowDeselect={false}
            disabled={!templates.data}
          />
          {open.length > 0 && (
            <Select
              label="Encounter (optional)"
              clearable
              placeholder="No encounter"
              data={open.map((entry) => ({
                value: `Encounter/${entry.id}`,
                label: `${codesText(entry.type) || entry.class?.display || 'Encounter'} · ${periodText(entry.period) || entry.status}`,
              }))}
              value={encounter}
              onChange={setEncounter}
            />
          )}
          <Button
            disabled={!template}
            loading={actions.create.isPending}
            onClick={() =>
              template &&
              actions.create.mutate(
                { template, patient: `Patient/${patientId}`, ...(encounter ? { encounter } : {}) },
                { onSuccess: onDone },
              )
            }
          >
            Start note
          </Button>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
        {templates.error && <ErrorAlert title="Templates could not be loaded" error={templates.error} />}
        {actions.create.error && <ErrorAlert title="The note was not started" error={actions.create.error} />}
      </Stack>
    </Paper>
  );
}

/** The Notes tab: the patient's notes newest first, each with its addenda; new notes from a template. */
export function NotesPanel({ patientId }: { patientId: string }) {
  const { user } = useAuth();
  const canWrite = hasAnyRole(user?.roles ?? [], ['physician', 'nurse']);
  const notes = useNotes(patientId);
  const [starting, setStarting] = useState(false);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} size="h4">
          Notes
        </Title>
        {canWrite && !starting && (
          <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setStarting(true)}>
            New note
          </Button>
        )}
      </Group>
      {starting && <NewNoteForm patientId={patientId} onDone={() => setStarting(false)} />}
      {notes.isPending && <TableSkeleton label="Loading notes" />}
      {notes.isError && (
        <ErrorAlert title="Notes could not be loaded" error={notes.error} onRetry={() => notes.refetch()} />
      )}
      {notes.data && !notes.data.length && <EmptyState title="No notes written" />}
      {notes.data &&
        threadNotes(notes.data).map(({ note, addenda }) => (
          <NoteCard key={note.id} note={note} patientId={patientId} user={user} canWrite={canWrite}>
            {addenda.map((addendum) => (
              <NoteCard
                key={addendum.id}
                note={addendum}
                patientId={patientId}
                user={user}
                canWrite={canWrite}
                nested
              />
            ))}
          </NoteCard>
        ))}
    </Stack>
  );
}
