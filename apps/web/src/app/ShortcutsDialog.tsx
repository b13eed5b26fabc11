import { ActionIcon, Box, Kbd, Modal, Stack, Switch, Text, Title, Tooltip } from '@mantine/core';
import { IconKeyboard } from '@tabler/icons-react';
import { Fragment, type ReactNode, useId } from 'react';
import { SHORTCUT_GROUPS, type Shortcut } from './shortcuts';
import { useShortcuts } from './shortcuts-context';

/** `g i` as g then i; a range as 1 to 9; several sequences joined by "or". */
function Keys({ shortcut }: { shortcut: Shortcut }) {
  if (shortcut.range) {
    return (
      <>
        <Kbd>{shortcut.range[0]}</Kbd> to <Kbd>{shortcut.range[1]}</Kbd>
      </>
    );
  }
  const sequences = shortcut.sequences.map((sequence) =>
    sequence
      .split(/\s+/)
      .map<ReactNode>((key) => <Kbd key={key}>{key}</Kbd>)
      .reduce((keys, key) => [keys, ' then ', key]),
  );
  return (
    <>
      {sequences.map((keys, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a shortcut's sequences are fixed and in order
        <Fragment key={index}>
          {index > 0 && ' or '}
          {keys}
        </Fragment>
      ))}
    </>
  );
}

function ShortcutList({ title, shortcuts }: { title: string; shortcuts: readonly Shortcut[] }) {
  const id = useId();
  return (
    <Box component="section" aria-labelledby={id}>
      <Title order={3} size="h6" id={id} mb={6}>
        {title}
      </Title>
      <Box
        component="dl"
        m={0}
        style={{ display: 'grid', gridTemplateColumns: 'minmax(7rem, max-content) 1fr', gap: '6px 16px' }}
      >
        {shortcuts.map((shortcut) => (
          <Fragment key={shortcut.id}>
            <Text component="dt" size="sm" style={{ whiteSpace: 'nowrap' }}>
              <Keys shortcut={shortcut} />
            </Text>
            <Text component="dd" size="sm" m={0}>
              {shortcut.description}
            </Text>
          </Fragment>
        ))}
      </Box>
    </Box>
  );
}

/** Every shortcut this person has, by where it works, and the switch that turns them off. */
export function ShortcutsDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const shortcuts = useShortcuts();
  if (!shortcuts) return null;
  const groups = SHORTCUT_GROUPS.map((group) => ({
    group,
    items: shortcuts.shortcuts.filter((shortcut) => shortcut.group === group),
  })).filter((entry) => entry.items.length > 0);

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title="Keyboard shortcuts"
      size="lg"
      radius="md"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <Stack gap="lg">
        <Text size="sm" c="dimmed">
          Shortcuts work when you are not typing in a field. For a sequence such as <Kbd>g</Kbd> then <Kbd>i</Kbd>,
          press the keys one after the other.
        </Text>
        {groups.map(({ group, items }) => (
          <ShortcutList key={group} title={group} shortcuts={items} />
        ))}
        <Switch
          checked={shortcuts.enabled}
          onChange={(event) => shortcuts.setEnabled(event.currentTarget.checked)}
          label="Use keyboard shortcuts"
          description="Turn them off if single keys get in the way of your screen reader or speech input. The keyboard button in the header opens this list either way."
        />
      </Stack>
    </Modal>
  );
}

/** The header's way to the list, for people who do not know `?` yet or have turned shortcuts off. */
export function ShortcutsButton() {
  const shortcuts = useShortcuts();
  if (!shortcuts) return null;
  return (
    <Tooltip label="Keyboard shortcuts" withArrow>
      <ActionIcon variant="subtle" size="lg" aria-label="Keyboard shortcuts" onClick={shortcuts.openHelp}>
        <IconKeyboard size={20} aria-hidden />
      </ActionIcon>
    </Tooltip>
  );
}

/** A line under the navigation naming the two keys worth learning first. */
export function ShortcutsHint() {
  const shortcuts = useShortcuts();
  if (!shortcuts?.enabled) return null;
  const search = shortcuts.shortcuts.some((shortcut) => shortcut.id === 'search');
  return (
    <Text size="xs" c="dimmed" px="sm">
      {search ? (
        <>
          Press <kbd>/</kbd> to search patients, <kbd>?</kbd> for all shortcuts
        </>
      ) : (
        <>
          Press <kbd>?</kbd> for keyboard shortcuts
        </>
      )}
    </Text>
  );
}
