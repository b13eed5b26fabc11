import { Alert, Badge, Button, Checkbox, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconHistory, IconPencil } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { ConfirmButton } from './ConfirmButton';
import { allows } from './capabilities';
import { KvBreadcrumbs } from './KvBreadcrumbs';
import { KvPairsEditor } from './KvPairsEditor';
import { dataFromPairs, type KvPair, type PairProblems, pairsFromData } from './kv-pairs';
import { type KvVersion, kvApiPath, type VersionRow, versionRows } from './kv-paths';
import { notifyDone } from './notify';
import { VaultAnchor, VaultButtonLink } from './VaultLink';
import { useVault, vaultDataKey } from './vault-context';
import { type KvSecret, useCapabilities, useKvMetadata, useKvSecret } from './vault-queries';

interface SecretDetailProps {
  mount: string;
  version: KvVersion;
  path: string;
  /** A KV v2 version to show instead of the current one. */
  secretVersion?: number | undefined;
}

const STATE_BADGES: Record<VersionRow['state'], { label: string; color: string }> = {
  current: { label: 'Current', color: 'teal.9' },
  available: { label: 'Available', color: 'gray.8' },
  deleted: { label: 'Deleted', color: 'orange.9' },
  destroyed: { label: 'Destroyed', color: 'red.9' },
};

/** One secret: its keys and values, editing (a new version on KV v2), its versions, deleting. */
export function SecretDetail({ mount, version, path, secretVersion }: SecretDetailProps) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const secret = useKvSecret(mount, version, path, secretVersion);
  const metadata = useKvMetadata(mount, path, version === 2);
  const dataPath = kvApiPath(mount, version, 'write', path);
  const removePath = kvApiPath(mount, version, version === 2 ? 'metadata' : 'read', path);
  const versionPaths = (['delete', 'undelete', 'destroy'] as const).map((operation) =>
    kvApiPath(mount, 2, operation, path),
  );
  const capabilities = useCapabilities(
    version === 2 ? [dataPath, removePath, ...versionPaths] : [dataPath, removePath],
  );
  const versionActions = {
    delete: allows(capabilities.data?.[versionPaths[0]!], 'update'),
    undelete: allows(capabilities.data?.[versionPaths[1]!], 'update'),
    destroy: allows(capabilities.data?.[versionPaths[2]!], 'update'),
  };
  const canEdit = allows(capabilities.data?.[dataPath], 'update', 'create');
  const canDelete = allows(capabilities.data?.[removePath], 'delete');
  const [editing, setEditing] = useState(false);
  const [reveal, setReveal] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'kv', mount] });

  const currentVersion = metadata.data?.current_version;
  const shownVersion = secretVersion ?? secret.data?.metadata?.version ?? currentVersion;
  const older =
    version === 2 && secretVersion !== undefined && currentVersion !== undefined && secretVersion !== currentVersion;
  const rows = metadata.data ? versionRows(metadata.data) : [];
  const shownRow = rows.find((row) => row.version === shownVersion);

  const deleteAll = async () => {
    await client.delete(kvApiPath(mount, version, version === 2 ? 'metadata' : 'read', path));
    notifyDone(`Secret ${path} deleted`);
    await refresh();
    const parent = path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/` : '';
    await navigate({ to: '/console/vault/$', params: { _splat: 'secrets' }, search: { mount, path: parent } });
  };

  if (secret.isPending || (version === 2 && metadata.isPending)) return <TableSkeleton label="Reading the secret" />;
  const failure = secret.error ?? metadata.error;
  if (failure) {
    return <ErrorAlert title="The secret could not be read" error={failure} onRetry={() => void refresh()} />;
  }
  if (secret.data === null && (version === 1 || metadata.data === null)) {
    return (
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <KvBreadcrumbs mount={mount} path={path} />
          <Alert color="gray" variant="light" title="No secret at this path">
            It may have been deleted, or the path is mistyped.
          </Alert>
        </Stack>
      </Paper>
    );
  }

  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap">
            <KvBreadcrumbs mount={mount} path={path} />
            <Group gap="xs">
              {!editing && !older && canEdit && (
                <Button size="sm" leftSection={<IconPencil size={16} aria-hidden />} onClick={() => setEditing(true)}>
                  Edit secret
                </Button>
              )}
              {canDelete && (
                <ConfirmButton
                  size="sm"
                  title={`Delete ${path}?`}
                  message={
                    version === 2
                      ? 'Every version of this secret and its metadata are removed for good. This cannot be undone.'
                      : 'The secret is removed for good. This cannot be undone.'
                  }
                  confirmLabel="Delete secret"
                  onConfirm={deleteAll}
                >
                  Delete secret
                </ConfirmButton>
              )}
            </Group>
          </Group>
          <Group gap="sm">
            <Title order={2} size="h4" ff="monospace">
              {path}
            </Title>
            {version === 2 && shownVersion !== undefined && (
              <Badge variant="outline" color={older ? 'orange.9' : 'teal.9'}>
                Version {shownVersion}
                {older ? ` of ${currentVersion}` : ''}
              </Badge>
            )}
          </Group>
          {older && (
            <Alert color="orange" variant="light" icon={<IconHistory aria-hidden />} title="An older version">
              You are looking at version {secretVersion}; the current version is {currentVersion}.{' '}
              <VaultAnchor view={'secrets'} search={{ mount, path }} size="sm">
                Show the current version
              </VaultAnchor>
            </Alert>
          )}
          {editing && secret.data ? (
            <EditSecret
              mount={mount}
              version={version}
              path={path}
              secret={secret.data}
              cas={currentVersion}
              onDone={() => setEditing(false)}
            />
          ) : secret.data?.data ? (
            <SecretValues data={secret.data.data} reveal={reveal} onReveal={setReveal} />
          ) : (
            <Alert color="gray" variant="light" title={`Version ${shownVersion} has no data to show`}>
              {shownRow?.state === 'destroyed'
                ? 'It was destroyed: its data is gone for good.'
                : 'It was deleted. Undelete it below to read it again.'}
            </Alert>
          )}
        </Stack>
      </Paper>
      {version === 2 && metadata.data && (
        <VersionsTable
          mount={mount}
          path={path}
          rows={rows}
          shown={shownVersion}
          onChanged={refresh}
          may={versionActions}
        />
      )}
    </Stack>
  );
}

function SecretValues({
  data,
  reveal,
  onReveal,
}: {
  data: Record<string, unknown>;
  reveal: boolean;
  onReveal: (reveal: boolean) => void;
}) {
  const entries = Object.entries(data);
  return (
    <Stack gap="xs">
      <Checkbox label="Show values" checked={reveal} onChange={(event) => onReveal(event.currentTarget.checked)} />
      <Table aria-label="Secret data" withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col" w="30%">
              Key
            </Table.Th>
            <Table.Th scope="col">Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map(([key, value]) => (
            <Table.Tr key={key}>
              <Table.Td ff="monospace">{key}</Table.Td>
              <Table.Td>
                {reveal ? (
                  <Code block={typeof value !== 'string'} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                    {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
                  </Code>
                ) : (
                  <Text span c="dimmed" aria-label="Hidden value">
                    ••••••••
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function EditSecret({
  mount,
  version,
  path,
  secret,
  cas,
  onDone,
}: {
  mount: string;
  version: KvVersion;
  path: string;
  secret: KvSecret;
  cas: number | undefined;
  onDone: () => void;
}) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [pairs, setPairs] = useState<KvPair[]>(() => pairsFromData(secret.data));
  const [problems, setProblems] = useState<PairProblems>({});
  const [message, setMessage] = useState<string>();
  const save = useMutation({
    mutationFn: (data: Record<string, unknown>) =>
      client.write<{ version?: number }>(
        kvApiPath(mount, version, 'write', path),
        // Check-and-set: if someone saved a newer version meanwhile, the vault refuses instead of overwriting it.
        version === 2 ? { data, ...(cas !== undefined ? { options: { cas } } : {}) } : data,
      ),
    onSuccess: async (answer) => {
      const saved = answer?.data?.version;
      notifyDone(saved ? `Saved as version ${saved}` : 'Secret saved');
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'kv', mount] });
      onDone();
      await navigate({ to: '/console/vault/$', params: { _splat: 'secrets' }, search: { mount, path } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = dataFromPairs(pairs);
    setProblems(result.ok ? {} : result.problems);
    setMessage(result.ok ? undefined : result.message);
    if (result.ok) save.mutate(result.data);
  };
  return (
    <form onSubmit={submit} aria-label="Edit secret" noValidate>
      <Stack gap="sm">
        {version === 2 && (
          <Text size="sm" c="dimmed">
            Saving keeps the current version and adds a new one.
          </Text>
        )}
        {save.isError && <ErrorAlert title="The secret was not saved" error={save.error} />}
        <KvPairsEditor pairs={pairs} onChange={setPairs} problems={problems} />
        {message && (
          <Text size="sm" c="red.8" role="alert">
            {message}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function VersionsTable({
  mount,
  path,
  rows,
  shown,
  onChanged,
  may,
}: {
  mount: string;
  path: string;
  rows: VersionRow[];
  shown: number | undefined;
  onChanged: () => Promise<unknown>;
  /** Which version actions the token may take (from its capabilities). */
  may: { delete: boolean; undelete: boolean; destroy: boolean };
}) {
  const { client } = useVault();
  const act = async (operation: 'delete' | 'undelete' | 'destroy', version: number) => {
    await client.write(kvApiPath(mount, 2, operation, path), { versions: [version] });
    const done = { delete: 'deleted', undelete: 'restored', destroy: 'destroyed' }[operation];
    notifyDone(`Version ${version} ${done}`);
    await onChanged();
  };
  const undelete = useMutation({ mutationFn: (version: number) => act('undelete', version) });
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h4" mb="sm">
        Versions
      </Title>
      {undelete.isError && <ErrorAlert title="The version was not restored" error={undelete.error} />}
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label="Versions" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Version</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">State</Table.Th>
              <Table.Th scope="col">Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.version} aria-current={row.version === shown ? 'true' : undefined}>
                <Table.Td fw={row.version === shown ? 700 : undefined}>{row.version}</Table.Td>
                <Table.Td>{formatFhirDateTime(row.createdTime)}</Table.Td>
                <Table.Td>
                  <Badge variant="outline" color={STATE_BADGES[row.state].color}>
                    {STATE_BADGES[row.state].label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {row.version !== shown && row.state !== 'destroyed' && (
                      <VaultButtonLink
                        size="xs"
                        variant="default"
                        view={'secrets'}
                        search={{ mount, path, version: row.version }}
                        aria-label={`View version ${row.version}`}
                      >
                        View
                      </VaultButtonLink>
                    )}
                    {row.state === 'deleted' && may.undelete && (
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => undelete.mutate(row.version)}
                        loading={undelete.isPending && undelete.variables === row.version}
                        aria-label={`Undelete version ${row.version}`}
                      >
                        Undelete
                      </Button>
                    )}
                    {(row.state === 'current' || row.state === 'available') && may.delete && (
                      <ConfirmButton
                        title={`Delete version ${row.version}?`}
                        message="The version is hidden but kept: it can be undeleted later."
                        confirmLabel="Delete version"
                        onConfirm={() => act('delete', row.version)}
                        aria-label={`Delete version ${row.version}`}
                      >
                        Delete
                      </ConfirmButton>
                    )}
                    {row.state !== 'destroyed' && may.destroy && (
                      <ConfirmButton
                        title={`Destroy version ${row.version}?`}
                        message="The version's data is erased for good. This cannot be undone."
                        confirmLabel="Destroy version"
                        onConfirm={() => act('destroy', row.version)}
                        aria-label={`Destroy version ${row.version}`}
                      >
                        Destroy
                      </ConfirmButton>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
