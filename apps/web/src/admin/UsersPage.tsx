import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Menu,
  Pagination,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDots, IconSearch, IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { useAuth } from '../auth/useAuth';
import { formatFhirDateTime } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';
import { ConfirmDialog } from './ConfirmDialog';
import { notifyDone } from './notify';
import { CreateUserDialog, EditRolesDialog } from './UserDialogs';
import { roleLabel, type TenantUser } from './users-api';
import { USERS_PAGE_SIZE, useUserActions, useUsers } from './useUsers';

export function UsersPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.users} what="Users">
      <Users />
    </RequireRole>
  );
}

type Pending = { kind: 'mfa' | 'sessions' | 'deactivate' | 'reactivate'; user: TenantUser };

function StatusBadge({ user }: { user: TenantUser }) {
  if (user.status === 'deactivated') {
    return (
      <Badge color="gray.7" variant="filled">
        Deactivated
      </Badge>
    );
  }
  if (user.status === 'locked') {
    return (
      <Tooltip
        label={`After ${user.failedSignIns} failed sign-ins, until ${formatFhirDateTime(user.lockedUntil ?? '')}`}
      >
        <Badge color="red.9" variant="filled" tabIndex={0}>
          Locked
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge color="teal.9" variant="filled">
      Active
    </Badge>
  );
}

function Users() {
  const { user: me } = useAuth();
  const isSuperAdmin = !!me?.roles.includes('super-admin');
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 250);
  const [page, setPage] = useState(1);
  const users = useUsers(q, page - 1);
  const actions = useUserActions();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<TenantUser | undefined>();
  const [pending, setPending] = useState<Pending | undefined>();

  const mutationFor = (kind: Pending['kind']) =>
    ({
      mfa: actions.resetMfa,
      sessions: actions.revokeSessions,
      deactivate: actions.deactivate,
      reactivate: actions.reactivate,
    })[kind];
  const openConfirm = (next: Pending) => {
    mutationFor(next.kind).reset();
    setPending(next);
  };
  const confirm = () => {
    if (!pending) return;
    const { kind, user } = pending;
    const done = (message: string) => {
      setPending(undefined);
      notifyDone(user.name, message);
    };
    if (kind === 'mfa') actions.resetMfa.mutate(user.id, { onSuccess: () => done('Two-factor sign-in was reset') });
    if (kind === 'sessions') {
      actions.revokeSessions.mutate(user.id, {
        onSuccess: (count) => done(count === 1 ? '1 sign-in ended' : `${count} sign-ins ended`),
      });
    }
    if (kind === 'deactivate') actions.deactivate.mutate(user.id, { onSuccess: () => done('Deactivated') });
    if (kind === 'reactivate') actions.reactivate.mutate(user.id, { onSuccess: () => done('Reactivated') });
  };

  const total = users.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const rows = users.data?.users ?? [];

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in to this tenant, their roles and their sign-in state."
        actions={
          <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Add user
          </Button>
        }
      />
      <Stack gap="md">
        <TextInput
          label="Search users"
          placeholder="Part of a name or email"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={text}
          onChange={(event) => {
            setText(event.currentTarget.value);
            setPage(1);
          }}
          maw={420}
          type="search"
        />
        {users.isError && (
          <ErrorAlert title="Users could not be listed" error={users.error} onRetry={() => users.refetch()} />
        )}
        <Paper withBorder radius="md">
          {users.isPending ? (
            <TableSkeleton rows={5} label="Loading users" />
          ) : rows.length === 0 ? (
            <EmptyState title={q ? 'No users match' : 'No users yet'}>
              {q ? 'Try part of the name or the email.' : 'Add the first user with “Add user”.'}
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table striped highlightOnHover aria-label="Users" aria-busy={users.isFetching}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Roles</Table.Th>
                    <Table.Th>Two-factor</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last sign-in</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((user) => (
                    <Table.Tr key={user.id}>
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {user.name}
                        </Text>
                        {user.name !== user.email && (
                          <Text size="xs" c="dimmed">
                            {user.email}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {user.roles.map((role) => (
                            <Badge key={role} variant="outline" color="blue.9" tt="none">
                              {roleLabel(role)}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={user.mfaEnabled ? undefined : 'dimmed'}>
                          {user.mfaEnabled ? 'On' : 'Off'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <StatusBadge user={user} />
                          {user.passwordChangeRequired && (
                            <Badge color="gray.8" variant="outline" tt="none">
                              New password due
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{user.lastSignIn ? formatFhirDateTime(user.lastSignIn) : 'Never'}</Text>
                      </Table.Td>
                      <Table.Td ta="right">
                        <UserMenu
                          user={user}
                          isSelf={user.id === me?.id}
                          onEditRoles={() => {
                            actions.setRoles.reset();
                            setEditing(user);
                          }}
                          onAction={(kind) => openConfirm({ kind, user })}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
        {total > 0 && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite">
              {total === 1 ? '1 user' : `${total} users`}
            </Text>
            {pages > 1 && (
              <Pagination
                total={pages}
                value={page}
                onChange={setPage}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(item) => ({ 'aria-label': `Page ${item}` })}
              />
            )}
          </Group>
        )}
      </Stack>

      <CreateUserDialog
        opened={creating}
        onClose={() => setCreating(false)}
        tenantId={me?.tenant.id ?? ''}
        isSuperAdmin={isSuperAdmin}
      />
      <EditRolesDialog user={editing} onClose={() => setEditing(undefined)} isSuperAdmin={isSuperAdmin} />
      {pending && (
        <ConfirmDialog
          opened
          title={CONFIRM[pending.kind].title}
          confirmLabel={CONFIRM[pending.kind].button}
          danger={pending.kind !== 'reactivate'}
          pending={mutationFor(pending.kind).isPending}
          error={mutationFor(pending.kind).error}
          onConfirm={confirm}
          onClose={() => setPending(undefined)}
        >
          {CONFIRM[pending.kind].text(pending.user)}
        </ConfirmDialog>
      )}
    </>
  );
}

const CONFIRM: Record<Pending['kind'], { title: string; button: string; text: (user: TenantUser) => string }> = {
  mfa: {
    title: 'Reset two-factor sign-in?',
    button: 'Reset two-factor',
    text: (user) =>
      `${user.name} will sign in with their password only, and can set up two-factor again. Their current sign-ins end now.`,
  },
  sessions: {
    title: 'End all sign-ins?',
    button: 'End sign-ins',
    text: (user) => `${user.name} is signed out on every device now and must sign in again.`,
  },
  deactivate: {
    title: 'Deactivate this user?',
    button: 'Deactivate',
    text: (user) =>
      `${user.name} is signed out now and cannot sign in until reactivated. Their records and audit trail stay.`,
  },
  reactivate: {
    title: 'Reactivate this user?',
    button: 'Reactivate',
    text: (user) => `${user.name} can sign in again with their current password and roles.`,
  },
};

function UserMenu({
  user,
  isSelf,
  onEditRoles,
  onAction,
}: {
  user: TenantUser;
  isSelf: boolean;
  onEditRoles: () => void;
  onAction: (kind: Pending['kind']) => void;
}) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${user.name}`}>
          <IconDots size={18} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={onEditRoles}>Edit roles</Menu.Item>
        <Menu.Item onClick={() => onAction('mfa')} disabled={!user.mfaEnabled}>
          Reset two-factor
        </Menu.Item>
        <Menu.Item onClick={() => onAction('sessions')}>End all sign-ins</Menu.Item>
        <Menu.Divider />
        {user.status === 'deactivated' ? (
          <Menu.Item onClick={() => onAction('reactivate')}>Reactivate</Menu.Item>
        ) : (
          <Menu.Item color="red.8" onClick={() => onAction('deactivate')} disabled={isSelf}>
            Deactivate
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
