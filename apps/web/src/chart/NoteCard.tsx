import { Badge, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import type { SessionUser } from '../auth/session';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { actorName, isActor, type Note } from './notes-api';
import { useNoteActions } from './useNotes';

interface NoteCardProps {
  note: Note;
  patientId: string;
  user: SessionUser | undefined;
  canWrite: boolean;
  /** Addenda are shown inside their note's card. */
  nested?: boolean;
}

function DraftEditor({ note, patientId }: { note: Note; patientId: string }) {
  const actions = useNoteActions(patientId);
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(note.sections.map((section) => [section.key, section.text])),
  );
  const [savedAt, setSavedAt] = useState<string>();
  const error = actions.save.error ?? actions.sign.error;
  return (
    <Stack gap="sm">
      {note.sections.map((section) => (
        <Textarea
          key={section.key}
          label={section.title}
          autosize
          minRows={2}
          value={texts[section.key] ?? ''}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setTexts((current) => ({ ...current, [section.key]: value }));
          }}
        />
      ))}
      {error && <ErrorAlert title="The note was not saved" error={error} />}
      <Group justify="space-between">
        <Text size="xs" c="dimmed" role="status">
          {savedAt ? `Draft saved ${savedAt}` : ''}
        </Text>
        <Group gap="sm">
          <Button
            variant="default"
            loading={actions.save.isPending}
            onClick={() =>
              actions.save.mutate(
                { id: note.id, sections: texts },
                { onSuccess: (saved) => setSavedAt(formatFhirDateTime(saved.date)) },
              )
            }
          >
            Save draft
          </Button>
          <Button
            loading={actions.sign.isPending}
            onClick={() => actions.sign.mutate({ id: note.id, sections: texts })}
          >
            Sign {note.addendumTo ? 'addendum' : 'note'}
          </Button>
        </Group>
      </Group>
    </Stack>
  );
}

function AddendumStarter({ note, patientId }: { note: Note; patientId: string }) {
  const actions = useNoteActions(patientId);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  if (!open) {
    return (
      <Group>
        <Button size="xs" variant="light" onClick={() => setOpen(true)}>
          Add addendum
        </Button>
      </Group>
    );
  }
  return (
    <Stack gap="sm">
      <Textarea
        label="Addendum"
        autosize
        minRows={2}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
      />
      {actions.addendum.error && <ErrorAlert title="The addendum was not started" error={actions.addendum.error} />}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" size="xs" onClick={() => setOpen(false)}>
          Cancel
        </Button>
        <Button
          size="xs"
          loading={actions.addendum.isPending}
          onClick={() =>
            actions.addendum.mutate(
              { id: note.id, text },
              {
                onSuccess: () => {
                  setText('');
                  setOpen(false);
                },
              },
            )
          }
        >
          Save addendum draft
        </Button>
      </Group>
    </Stack>
  );
}

/** One note: a draft its author can edit and sign, or a signed note, read-only, that takes addenda. */
export function NoteCard({
  note,
  patientId,
  user,
  canWrite,
  nested,
  children,
}: NoteCardProps & { children?: React.ReactNode }) {
  const mine = isActor(note.author, user?.id);
  const you = user ? `${user.displayName} (you)` : 'you';
  const signed = note.status === 'signed';
  return (
    <Paper
      component="article"
      withBorder
      radius="md"
      p="md"
      aria-label={note.title}
      bg={nested ? 'var(--mantine-color-gray-0)' : undefined}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <div>
            <Title order={nested ? 4 : 3} size={nested ? 'h6' : 'h5'}>
              {note.title}
            </Title>
            <Text size="xs" c="dimmed">
              {actorName(note.author, user?.id, you)} · {formatFhirDateTime(note.date)}
            </Text>
          </div>
          <Badge variant={signed ? 'filled' : 'outline'} color={signed ? 'teal.9' : 'orange.9'} tt="none">
            {signed ? 'Signed' : note.status === 'draft' ? 'Draft' : 'Entered in error'}
          </Badge>
        </Group>
        {note.status === 'draft' && mine && canWrite ? (
          <DraftEditor note={note} patientId={patientId} />
        ) : (
          <Stack gap="xs">
            {note.sections
              .filter((section) => section.text.trim())
              .map((section) => (
                <div key={section.key}>
                  <Text size="sm" fw={700}>
                    {section.title}
                  </Text>
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {section.text}
                  </Text>
                </div>
              ))}
          </Stack>
        )}
        {signed && note.signed && (
          <Text size="sm" c="dimmed" fs="italic">
            Signed by {actorName(note.signed.by, user?.id, you)} at {formatFhirDateTime(note.signed.at)}
          </Text>
        )}
        {children}
        {signed && canWrite && !note.addendumTo && <AddendumStarter note={note} patientId={patientId} />}
      </Stack>
    </Paper>
  );
}
