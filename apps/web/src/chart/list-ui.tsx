import { Badge, Button, Group, Paper, Stack, Table, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { hasAnyRole } from '../auth/roles';
import { useAuth } from '../auth/useAuth';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';

/** Colours that keep 4.5:1 contrast as outline text; the status is always in words too. */
const STATUS_COLORS: Record<string, string> = {
  active: 'red.9',
  recurrence: 'red.9',
  relapse: 'red.9',
  high: 'red.9',
  resolved: 'teal.9',
  remission: 'teal.9',
  completed: 'gray.7',
  inactive: 'gray.7',
  draft: 'gray.7',
  revoked: 'gray.7',
  'not-done': 'gray.7',
  'in-progress': 'blue.8',
};

export function StatusBadge({ value, label }: { value: string | undefined; label?: string }) {
  if (!value) return <>—</>;
  return (
    // Never cut short to "acti…" when a wide table squeezes its column.
    <Badge variant="outline" color={STATUS_COLORS[value] ?? 'meridian'} tt="none" radius="sm" miw="max-content">
      {label ?? value}
    </Badge>
  );
}

/** Whether the signed-in user records clinical lists and orders (the server decides in the end). */
export function useCanChart(): boolean {
  const { user } = useAuth();
  return hasAnyRole(user?.roles ?? [], ['physician', 'nurse']);
}

/** A list's table in the chart's look, with its loading, error and empty states. */
export function ListTable<T>({
  label,
  query,
  rows,
  empty,
  emptyHint,
  headers,
  row,
}: {
  label: string;
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  rows: T[] | undefined;
  empty: string;
  emptyHint?: ReactNode;
  headers: string[];
  row: (item: T) => ReactNode;
}) {
  if (query.isPending) return <TableSkeleton rows={3} label={`Loading ${label.toLowerCase()}`} />;
  if (query.isError) {
    return <ErrorAlert title={`${label} could not be loaded`} error={query.error} onRetry={() => query.refetch()} />;
  }
  if (!rows?.length) return <EmptyState title={empty}>{emptyHint}</EmptyState>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover aria-label={label} verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            {headers.map((header) => (
              <Table.Th key={header} scope="col">
                {header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{rows.map(row)}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The panel's heading row and, while open, its form in a bordered box. */
export function PanelHeader({ title, actions }: { title: string; actions?: ReactNode }) {
  return (
    <Group justify="space-between" wrap="wrap">
      <Title order={2} size="h4">
        {title}
      </Title>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

/** The panel header's button that opens its add form ("Record immunization"). */
export function AddButton({ onClick, children }: { onClick: () => void; children: ReactNode }) {
  return (
    <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={onClick}>
      {children}
    </Button>
  );
}

export function FormBox({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** Error text readable on the light background (contrast over 4.5:1), as the vitals form does. */
export const FORM_STYLE = { '--mantine-color-error': 'var(--mantine-color-red-9)' } as React.CSSProperties;
