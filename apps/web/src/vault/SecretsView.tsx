import { Button, Group, Modal, Paper, Radio, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconFile, IconFolder, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { KvBreadcrumbs } from './KvBreadcrumbs';
import { KvPairsEditor } from './KvPairsEditor';
import { dataFromPairs, emptyPair, type KvPair, type PairProblems } from './kv-pairs';
import {
  folderPath,
  isFolderKey,
  type KvVersion,
  kvApiPath,
  kvMounts,
  secretPathProblem,
  trimSlashes,
} from './kv-paths';
import { notifyDone } from './notify';
import { SecretDetail } from './SecretDetail';
import { VaultAnchor } from './VaultLink';
import { useVault, vaultDataKey } from './vault-context';
import type { VaultSearch } from './vault-location';
import { useKvList, useSecretMounts } from './vault-queries';

/** KV mounts, then folders and secrets of the chosen mount, then one secret. The address holds where. */
export function SecretsView() {
  const search = useSearch({ strict: false }) as VaultSearch;
  const mounts = useSecretMounts();
  if (mounts.isPending) return <TableSkeleton label="Loading secrets engines" />;
  if (mounts.isError) {
    return (
      <ErrorAlert title="Secrets engines could not be listed" error={mounts.error} onRetry={() => mounts.refetch()} />
    );
  }
  const kv = kvMounts(mounts.data);
  if (!search.mount) return <MountsList mounts={kv} />;
  const mount = kv.find((candidate) => candidate.path === trimSlashes(search.mount ?? ''));
  if (!mount) {
    return (
      <ErrorAlert
        title="No such KV secrets engine"
        error={new Error(`Nothing is mounted at "${search.mount}/" in this namespace, or it is not a KV engine.`)}
      />
    );
  }
  const path = search.path ?? '';
  if (path === '' || path.endsWith('/')) return <KvFolder mount={mount.path} version={mount.version} folder={path} />;
  return <SecretDetail mount={mount.path} version={mount.version} path={path} secretVersion={search.version} />;
}

function MountsList({ mounts }: { mounts: ReturnType<typeof kvMounts> }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Secrets engines
        </Title>
        <EnableKvButton />
      </Group>
      {mounts.length === 0 ? (
        <EmptyState title="No key/value secrets engine yet">
          Enable one to start keeping secrets. KV version 2 keeps every version of a secret.
        </EmptyState>
      ) : (
        <Table aria-label="Secrets engines" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Path</Table.Th>
              <Table.Th scope="col">Engine</Table.Th>
              <Table.Th scope="col">Description</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {mounts.map((mount) => (
              <Table.Tr key={mount.path}>
                <Table.Td>
                  <VaultAnchor view={'secrets'} search={{ mount: mount.path }} ff="monospace">
                    {mount.path}/
                  </VaultAnchor>
                </Table.Td>
                <Table.Td>KV version {mount.version}</Table.Td>
                <Table.Td>{mount.info.description || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function EnableKvButton() {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [path, setPath] = useState('secret');
  const [version, setVersion] = useState<'2' | '1'>('2');
  const [description, setDescription] = useState('');
  const enable = useMutation({
    mutationFn: () =>
      client.write(`sys/mounts/${trimSlashes(path)}`, {
        type: 'kv',
        description,
        options: { version },
      }),
    onSuccess: async () => {
      notifyDone(`KV version ${version} enabled at ${trimSlashes(path)}/`);
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'mounts'] });
      close();
    },
  });
  const problem = trimSlashes(path) ? undefined : 'Enter a path';
  return (
    <>
      <Button size="sm" leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
        Enable secrets engine
      </Button>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={opened}
        onClose={close}
        title="Enable a key/value secrets engine"
        centered
      >
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (!problem) enable.mutate();
          }}
        >
          <Stack gap="md">
            {enable.isError && <ErrorAlert title="The engine was not enabled" error={enable.error} />}
            <TextInput
              label="Path"
              value={path}
              onChange={(event) => setPath(event.currentTarget.value)}
              error={problem}
              required
            />
            <Radio.Group label="Version" value={version} onChange={(value) => setVersion(value as '1' | '2')}>
              <Stack gap="xs" mt={6}>
                <Radio value="2" label="KV version 2 (keeps every version)" />
                <Radio value="1" label="KV version 1" />
              </Stack>
            </Radio.Group>
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

function KvFolder({ mount, version, folder }: { mount: string; version: KvVersion; folder: string }) {
  const keys = useKvList(mount, version, folder);
  const [creating, setCreating] = useState(false);
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <KvBreadcrumbs mount={mount} path={folder} />
          {!creating && (
            <Button size="sm" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              Create secret
            </Button>
          )}
        </Group>
        {creating && (
          <CreateSecret mount={mount} version={version} folder={folder} onCancel={() => setCreating(false)} />
        )}
        {keys.isPending ? (
          <TableSkeleton label="Listing secrets" />
        ) : keys.isError ? (
          <ErrorAlert title="This folder could not be listed" error={keys.error} onRetry={() => keys.refetch()} />
        ) : keys.data.length === 0 ? (
          <EmptyState title={folder ? 'This folder is empty' : 'No secrets here yet'}>
            Create a secret; a path with slashes (clinic/smtp) puts it in folders.
          </EmptyState>
        ) : (
          <Table aria-label="Secrets" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((key) => (
                <Table.Tr key={key}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {isFolderKey(key) ? (
                        <IconFolder size={18} aria-hidden color="var(--mantine-color-meridian-7)" />
                      ) : (
                        <IconFile size={18} aria-hidden color="var(--mantine-color-gray-7)" />
                      )}
                      <VaultAnchor
                        view={'secrets'}
                        search={{ mount, path: `${folderPath(folder)}${key}` }}
                        ff="monospace"
                      >
                        {key}
                      </VaultAnchor>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}

function CreateSecret({
  mount,
  version,
  folder,
  onCancel,
}: {
  mount: string;
  version: KvVersion;
  folder: string;
  onCancel: () => void;
}) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [path, setPath] = useState(folderPath(folder));
  const [pairs, setPairs] = useState<KvPair[]>([emptyPair()]);
  const [problems, setProblems] = useState<PairProblems>({});
  const [message, setMessage] = useState<string>();
  const [pathProblem, setPathProblem] = useState<string>();
  const create = useMutation({
    mutationFn: (data: Record<string, unknown>) =>
      // cas 0: create only; an existing secret at this path is not overwritten.
      client.write(
        kvApiPath(mount, version, 'write', path.trim()),
        version === 2 ? { data, options: { cas: 0 } } : data,
      ),
    onSuccess: async () => {
      notifyDone(`Secret ${path.trim()} created`);
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'kv', mount] });
      await navigate({ to: '/console/vault/$', params: { _splat: 'secrets' }, search: { mount, path: path.trim() } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const badPath = secretPathProblem(path);
    setPathProblem(badPath);
    const result = dataFromPairs(pairs);
    setProblems(result.ok ? {} : result.problems);
    setMessage(result.ok ? undefined : result.message);
    if (!badPath && result.ok) create.mutate(result.data);
  };
  return (
    <Paper withBorder radius="md" p="md" bg="gray.0">
      <form onSubmit={submit} aria-labelledby="create-secret-title" noValidate>
        <Stack gap="sm">
          <Title order={3} size="h5" id="create-secret-title">
            New secret
          </Title>
          {create.isError && <ErrorAlert title="The secret was not saved" error={create.error} />}
          <TextInput
            label="Path"
            description={`Inside ${mount}/`}
            value={path}
            onChange={(event) => setPath(event.currentTarget.value)}
            error={pathProblem}
            required
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <KvPairsEditor pairs={pairs} onChange={setPairs} problems={problems} />
          {message && (
            <Text size="sm" c="red.8" role="alert">
              {message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Save secret
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
