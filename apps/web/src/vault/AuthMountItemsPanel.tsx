import { Badge, Group, Paper, Table, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { AuthMountPicker, NoAuthMount, useAuthMountOf } from './AuthMountPicker';
import { useVault } from './vault-context';
import { useVaultQuery } from './vault-queries';

interface AuthMountItemsPanelProps {
  /** Auth method type (`userpass`, `approle`) and the path its items are listed under (`users`, `role`). */
  type: string;
  itemsPath: string;
  /** The vault view this panel is (for the mount picker's links). */
  view: string;
  title: string;
  /** What one item is called, singular and plural (`Username`/`users`). */
  column: string;
  plural: string;
  emptyTitle: string;
  emptyText: ReactNode;
  create: (mount: string) => ReactNode;
  row: (mount: string, name: string) => ReactNode;
}

/** The items of one auth method mount (userpass users, AppRoles): a mount picker, a create button, a table. */
export function AuthMountItemsPanel(props: AuthMountItemsPanelProps) {
  const { client } = useVault();
  const { mounts, paths, chosen } = useAuthMountOf(props.type);
  const items = useVaultQuery(
    [props.type, chosen, 'list'],
    () => client.list(`auth/${chosen}/${props.itemsPath}`),
    !!chosen,
  );
  if (mounts.isPending) return <TableSkeleton label="Loading auth methods" />;
  if (mounts.isError) return <ErrorAlert title="Auth methods could not be listed" error={mounts.error} />;
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm" align="flex-end">
        <Title order={2} size="h4">
          {props.title}{' '}
          {chosen && (
            <Badge variant="light" tt="none">
              {chosen}/
            </Badge>
          )}
        </Title>
        <Group align="flex-end">
          {chosen && <AuthMountPicker view={props.view} paths={paths} chosen={chosen} />}
          {chosen && props.create(chosen)}
        </Group>
      </Group>
      {!chosen ? (
        <NoAuthMount type={props.type} />
      ) : items.isPending ? (
        <TableSkeleton label={`Loading ${props.plural}`} />
      ) : items.isError ? (
        <ErrorAlert
          title={`${props.plural[0]!.toUpperCase()}${props.plural.slice(1)} could not be listed`}
          error={items.error}
          onRetry={() => items.refetch()}
        />
      ) : items.data.length === 0 ? (
        <EmptyState title={props.emptyTitle}>{props.emptyText}</EmptyState>
      ) : (
        <Table aria-label={props.title} highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{props.column}</Table.Th>
              <Table.Th scope="col">Policies</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{items.data.map((name) => props.row(chosen, name))}</Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
