import { ActionIcon, Button, Checkbox, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { emptyPair, type KvPair, type PairProblems } from './kv-pairs';

interface KvPairsEditorProps {
  pairs: KvPair[];
  onChange: (pairs: KvPair[]) => void;
  problems: PairProblems;
}

/** Rows of key and value; a row marked JSON keeps numbers, lists and objects as they are. */
export function KvPairsEditor({ pairs, onChange, problems }: KvPairsEditorProps) {
  const update = (id: string, change: Partial<KvPair>) =>
    onChange(pairs.map((pair) => (pair.id === id ? { ...pair, ...change } : pair)));
  return (
    <Stack gap="xs">
      {pairs.map((pair, index) => (
        <Group key={pair.id} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            aria-label={`Key ${index + 1}`}
            placeholder="key"
            value={pair.key}
            onChange={(event) => update(pair.id, { key: event.currentTarget.value })}
            error={problems[pair.id]?.key}
            w={220}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Textarea
            aria-label={`Value ${index + 1}`}
            placeholder="value"
            value={pair.value}
            onChange={(event) => update(pair.id, { value: event.currentTarget.value })}
            error={problems[pair.id]?.value}
            autosize
            minRows={1}
            maxRows={8}
            style={{ flex: 1 }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Checkbox
            label="JSON"
            aria-label={`Value ${index + 1} is JSON`}
            checked={pair.json}
            onChange={(event) => update(pair.id, { json: event.currentTarget.checked })}
            mt={8}
          />
          <ActionIcon
            variant="subtle"
            color="gray.8"
            size="lg"
            aria-label={`Remove row ${index + 1}`}
            onClick={() => onChange(pairs.length > 1 ? pairs.filter((other) => other.id !== pair.id) : [emptyPair()])}
          >
            <IconTrash size={18} aria-hidden />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="subtle"
          size="xs"
          leftSection={<IconPlus size={14} aria-hidden />}
          onClick={() => onChange([...pairs, emptyPair()])}
        >
          Add row
        </Button>
      </Group>
    </Stack>
  );
}
