import { Group, Text } from '@mantine/core';
import { Fragment } from 'react';
import { breadcrumbs } from './kv-paths';
import { VaultAnchor } from './VaultLink';

function Separator() {
  return (
    <Text span c="dimmed" size="sm" aria-hidden>
      /
    </Text>
  );
}

/** Links along a secret's path: the engines, the mount, each folder, then the secret itself. */
export function KvBreadcrumbs({ mount, path }: { mount: string; path: string }) {
  const crumbs = breadcrumbs(path);
  return (
    <Group component="nav" aria-label="Secret path" gap={6}>
      <VaultAnchor view="secrets" size="sm">
        Engines
      </VaultAnchor>
      <Separator />
      {crumbs.length === 0 ? (
        <Text ff="monospace" size="sm" aria-current="page">
          {mount}
        </Text>
      ) : (
        <VaultAnchor view="secrets" search={{ mount }} ff="monospace" size="sm">
          {mount}
        </VaultAnchor>
      )}
      {crumbs.map((crumb, index) => (
        <Fragment key={crumb.path}>
          <Separator />
          {index === crumbs.length - 1 ? (
            <Text ff="monospace" size="sm" aria-current="page">
              {crumb.label}
            </Text>
          ) : (
            <VaultAnchor view="secrets" search={{ mount, path: crumb.path }} ff="monospace" size="sm">
              {crumb.label}
            </VaultAnchor>
          )}
        </Fragment>
      ))}
    </Group>
  );
}
