import { Autocomplete, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useVault } from './vault-context';
import { useVaultQuery } from './vault-queries';
import { normaliseNamespace } from './vault-session';

const ROOT_LABEL = 'root';

/** Picks the namespace the screens work in: the root, or one below it (typed, or from those listed). */
export function NamespaceSwitcher() {
  const { client, session, setNamespace } = useVault();
  const current = session?.namespace ?? '';
  const [text, setText] = useState(current || ROOT_LABEL);
  useEffect(() => setText(current || ROOT_LABEL), [current]);
  // Children of the current namespace; a token that may not list them simply gets no suggestions.
  const children = useVaultQuery(['namespaces'], async () => {
    try {
      return await client.list('sys/namespaces');
    } catch {
      return [];
    }
  });
  const options = [
    ROOT_LABEL,
    ...(current ? [current] : []),
    ...(children.data ?? []).map((child) => normaliseNamespace(current ? `${current}/${child}` : child)),
  ];

  const choose = (value: string) => {
    const namespace = value === ROOT_LABEL ? '' : normaliseNamespace(value);
    setText(namespace || ROOT_LABEL);
    if (namespace !== current) setNamespace(namespace);
  };

  return (
    <Group gap={6} wrap="nowrap">
      <Text component="label" htmlFor="vault-namespace" size="sm" c="dimmed">
        Namespace
      </Text>
      <Autocomplete
        id="vault-namespace"
        size="sm"
        w={160}
        data={[...new Set(options)]}
        value={text}
        onChange={setText}
        onOptionSubmit={choose}
        onKeyDown={(event) => {
          if (event.key === 'Enter') choose(event.currentTarget.value);
        }}
      />
    </Group>
  );
}
