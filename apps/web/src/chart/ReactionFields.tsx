import { ActionIcon, Button, Group, Stack, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { EMPTY_REACTION, type ReactionRow } from './allergy-edit';
import { ChoiceField } from './list-form';
import { SEVERITY_OPTIONS } from './list-options';

/**
 * An allergy's reactions: what happened and how severe, one row each. The first row reads "Reaction",
 * later ones are numbered, so every field has a name of its own.
 */
export function ReactionFields({
  rows,
  onChange,
  error,
}: {
  rows: ReactionRow[];
  onChange: (rows: ReactionRow[]) => void;
  error?: string | undefined;
}) {
  const shown = rows.length ? rows : [EMPTY_REACTION];
  const set = (index: number, row: Partial<ReactionRow>) =>
    onChange(shown.map((current, at) => (at === index ? { ...current, ...row } : current)));
  return (
    <Stack gap="xs">
      {shown.map((row, index) => {
        const name = index === 0 ? 'Reaction' : `Reaction ${index + 1}`;
        return (
          // Rows have no identity of their own; their place is what the labels say too.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <Group key={index} align="flex-end" grow wrap="wrap">
            <TextInput
              label={name}
              description={index === 0 ? 'What happened, e.g. hives, anaphylaxis' : undefined}
              value={row.text}
              onChange={(event) => set(index, { text: event.currentTarget.value })}
              error={index === 0 ? error : undefined}
              autoComplete="off"
            />
            <Group gap="xs" align="flex-end" wrap="nowrap">
              <ChoiceField
                label={`${name} severity`}
                options={SEVERITY_OPTIONS}
                value={row.severity}
                onChange={(severity) => set(index, { severity })}
                clearable
              />
              {shown.length > 1 && (
                <ActionIcon
                  variant="subtle"
                  color="gray.7"
                  size="lg"
                  aria-label={`Remove ${name.toLowerCase()}`}
                  onClick={() => onChange(shown.filter((_, at) => at !== index))}
                >
                  <IconTrash size={18} aria-hidden />
                </ActionIcon>
              )}
            </Group>
          </Group>
        );
      })}
      <Group>
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} aria-hidden />}
          onClick={() => onChange([...shown, EMPTY_REACTION])}
        >
          Add another reaction
        </Button>
      </Group>
    </Stack>
  );
}
