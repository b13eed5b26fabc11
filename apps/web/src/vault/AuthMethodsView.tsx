import { Button, Group, Modal, Paper, Radio, Stack, Table, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { ConfirmButton } from './ConfirmButton';
import { trimSlashes } from './kv-paths';
import { notifyDone } from './notify';
import { VaultAnchor } from './VaultLink';
import { useVault, vaultDataKey } from './vault-context';
import { useAuthMounts } from './vault-queries';

const ENABLEABLE = [
  { value: 'userpass', label: 'Username and password' },
  { value: 'approle', label: 'AppRole (applications)' },
];

const MANAGED_IN: Record<string, { splat: string; label: string }> = {
  userpass: { splat: 'users', label: 'Manage users' },
  approle: { splat: 'approles', label: 'Manage roles' },
};

export function AuthMethodsView() {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const mounts = useAuthMounts();
  const refresh = () => queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'auth-mounts'] });
  const disable = async (path: string) => {
    await client.delete(`sys/auth/${path}`);
    notifyDone(`Auth method ${path}/ disabled`);
    await refresh();
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Auth methods
        </Title>
        <EnableAuthButton onEnabled={refresh} />
      </Group>
      {mounts.isPending ? (
        <TableSkeleton label="Loading auth methods" />
      ) : mounts.isError ? (
        <ErrorAlert title="Auth methods could not be listed" error={mounts.error} onRetry={() => mounts.refetch()} />
      ) : (
        <Table aria-label="Auth methods" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Path</Table.Th>
              <Table.Th scope="col">Type</Table.Th>
              <Table.Th scope="col">Description</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {Object.entries(mounts.data)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([mountPath, info]) => {
                const path = trimSlashes(mountPath);
                const managed = MANAGED_IN[info.type];
                return (
                  <Table.Tr key={path}>
                    <Table.Td ff="monospace">{path}/</Table.Td>
                    <Table.Td>{info.type}</Table.Td>
                    <Table.Td>{info.description || '—'}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {managed && (
                          <VaultAnchor view={managed.splat} search={{ mount: path }} size="sm">
                            {managed.label}
                          </VaultAnchor>
                        )}
                        {info.type !== 'token' && (
                          <ConfirmButton
                            title={`Disable ${path}/?`}
                            message="Its users or roles are removed and every token it issued stops working at once."
                            confirmLabel="Disable"
                            onConfirm={() => disable(path)}
                            aria-label={`Disable ${path}`}
                          >
                            Disable
                          </ConfirmButton>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function EnableAuthButton({ onEnabled }: { onEnabled: () => Promise<unknown> }) {
  const { client } = useVault();
  const [opened, { open, close }] = useDisclosure(false);
  const [type, setType] = useState('userpass');
  const [path, setPath] = useState('');
  const [description, setDescription] = useState('');
  const target = trimSlashes(path) || type;
  const enable = useMutation({
    mutationFn: () => client.write(`sys/auth/${target}`, { type, description }),
    onSuccess: async () => {
      notifyDone(`Auth method ${type} enabled at ${target}/`);
      await onEnabled();
      setPath('');
      setDescription('');
      close();
    },
  });
  return (
    <>
      <Button size="sm" leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
        Enable auth method
      </Button>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={opened}
        onClose={close}
        title="Enable an auth method"
        centered
      >
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            enable.mutate();
          }}
        >
          <Stack gap="md">
            {enable.isError && <ErrorAlert title="The auth method was not enabled" error={enable.error} />}
            <Radio.Group label="Type" value={type} onChange={setType}>
              <Stack gap="xs" mt={6}>
                {ENABLEABLE.map((option) => (
                  <Radio key={option.value} value={option.value} label={option.label} />
                ))}
              </Stack>
            </Radio.Group>
            <TextInput
              label="Path"
              placeholder={type}
              description="Where it is mounted, under auth/"
              value={path}
              onChange={(event) => setPath(event.currentTarget.value)}
            />
            <TextInput
              label="Description"
              value={description}
              onChange={(event) => setDescription(event.currentTarget.value)}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={enable.isPending}>
                Enable
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
