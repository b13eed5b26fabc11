import { Alert, Badge, Button, Code, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { AuthMountItemsPanel } from './AuthMountItemsPanel';
import { policyList } from './AuthMountPicker';
import { ConfirmButton } from './ConfirmButton';
import { notifyDone } from './notify';
import { PolicyPicker } from './PolicyPicker';
import { CopyValue } from './VaultInitPanel';
import { useVault, vaultDataKey } from './vault-context';
import { useVaultQuery } from './vault-queries';

const TTL = /^(\d+[smhd]?)?$/;

/** AppRoles: roles with policies, their role ID, secret IDs generated and shown once, deleting. */
export function AppRolesView() {
  return (
    <AuthMountItemsPanel
      type="approle"
      itemsPath="role"
      view="approles"
      title="AppRoles"
      column="Role"
      plural="roles"
      emptyTitle="No roles yet"
      emptyText="A role lets an application or script sign in with a role ID and a secret ID."
      create={(mount) => <CreateRoleButton mount={mount} />}
      row={(mount, name) => <RoleRow key={name} mount={mount} name={name} />}
    />
  );
}

interface RoleDetails {
  token_policies?: string[];
  policies?: string[];
  secret_id_ttl?: number;
  token_ttl?: number;
}

function RoleRow({ mount, name }: { mount: string; name: string }) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const details = useVaultQuery(['approle', mount, 'role', name], () =>
    client.read<RoleDetails>(`auth/${mount}/role/${name}`),
  );
  const [shown, setShown] = useState<{ title: string; body: React.ReactNode }>();
  const roleId = useMutation({
    mutationFn: async () => (await client.read<{ role_id: string }>(`auth/${mount}/role/${name}/role-id`))?.role_id,
    onSuccess: (id) =>
      setShown({
        title: `Role ID of ${name}`,
        body: (
          <Stack gap="sm">
            <Text size="sm">The role ID is not secret on its own; an application needs a secret ID with it.</Text>
            <Group gap="sm" wrap="nowrap">
              <Code data-testid="role-id">{id}</Code>
              <CopyValue value={id ?? ''} label="Copy role ID" />
            </Group>
          </Stack>
        ),
      }),
  });
  const secretId = useMutation({
    mutationFn: async () =>
      (await client.write<{ secret_id: string; secret_id_accessor: string }>(`auth/${mount}/role/${name}/secret-id`))
        ?.data,
    onSuccess: (data) =>
      setShown({
        title: `New secret ID for ${name}`,
        body: (
          <Stack gap="sm">
            <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Shown only this once">
              Copy it now and hand it to the application. The vault keeps only a hash of it.
            </Alert>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" fw={600}>
                Secret ID
              </Text>
              <Code data-testid="secret-id">{data?.secret_id}</Code>
              <CopyValue value={data?.secret_id ?? ''} label="Copy secret ID" />
            </Group>
            <Text size="sm" c="dimmed">
              Accessor (to look it up or revoke it later): <Code>{data?.secret_id_accessor}</Code>
            </Text>
          </Stack>
        ),
      }),
  });
  const remove = async () => {
    await client.delete(`auth/${mount}/role/${name}`);
    notifyDone(`Role ${name} deleted`);
    await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'approle', mount] });
  };
  const policies = policyList(details.data?.token_policies ?? details.data?.policies);
  const failure = roleId.error ?? secretId.error;
  return (
    <Table.Tr>
      <Table.Td ff="monospace">{name}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          {policies.map((policy) => (
            <Badge key={policy} variant="outline" color="gray.8" tt="none">
              {policy}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="xs"
            variant="default"
            onClick={() => roleId.mutate()}
            loading={roleId.isPending}
            aria-label={`Role ID of ${name}`}
          >
            Role ID
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() => secretId.mutate()}
            loading={secretId.isPending}
            aria-label={`New secret ID for ${name}`}
          >
            New secret ID
          </Button>
          <ConfirmButton
            title={`Delete role ${name}?`}
            message="Applications using this role can no longer sign in."
            confirmLabel="Delete role"
            onConfirm={remove}
            aria-label={`Delete role ${name}`}
          >
            Delete
          </ConfirmButton>
        </Group>
        {failure && <ErrorAlert title="The vault refused" error={failure} />}
        <Modal
          closeButtonProps={{ 'aria-label': 'Close' }}
          opened={shown !== undefined}
          onClose={() => setShown(undefined)}
          title={shown?.title}
          size="lg"
          centered
        >
          {shown?.body}
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}

function CreateRoleButton({ mount }: { mount: string }) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState('');
  const [policies, setPolicies] = useState<string[]>([]);
  const [secretIdTtl, setSecretIdTtl] = useState('');
  const [tokenTtl, setTokenTtl] = useState('1h');
  const nameProblem = /^[A-Za-z0-9._-]*$/.test(name.trim()) ? undefined : 'Letters, digits, ".", "_" and "-" only';
  const ttlProblem = (value: string) => (TTL.test(value.trim()) ? undefined : 'A duration such as 30m, 24h or 7d');
  const create = useMutation({
    mutationFn: () =>
      client.write(`auth/${mount}/role/${name.trim()}`, {
        token_policies: policies,
        ...(secretIdTtl.trim() ? { secret_id_ttl: secretIdTtl.trim() } : {}),
        ...(tokenTtl.trim() ? { token_ttl: tokenTtl.trim() } : {}),
      }),
    onSuccess: async () => {
      notifyDone(`Role ${name.trim()} created`);
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'approle', mount] });
      setName('');
      setPolicies([]);
      close();
    },
  });
  const invalid = !name.trim() || !!nameProblem || !!ttlProblem(secretIdTtl) || !!ttlProblem(tokenTtl);
  return (
    <>
      <Button size="sm" leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
        Create role
      </Button>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={opened}
        onClose={close}
        title="Create an AppRole"
        centered
      >
        <form
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (!invalid) create.mutate();
          }}
          noValidate
        >
          <Stack gap="md">
            {create.isError && <ErrorAlert title="The role was not created" error={create.error} />}
            <TextInput
              label="Role name"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={nameProblem}
              required
              data-autofocus
            />
            <PolicyPicker value={policies} onChange={setPolicies} />
            <Group grow align="flex-start">
              <TextInput
                label="Secret ID lifetime"
                placeholder="never expires"
                value={secretIdTtl}
                onChange={(event) => setSecretIdTtl(event.currentTarget.value)}
                error={ttlProblem(secretIdTtl)}
              />
              <TextInput
                label="Token lifetime"
                value={tokenTtl}
                onChange={(event) => setTokenTtl(event.currentTarget.value)}
                error={ttlProblem(tokenTtl)}
              />
            </Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={invalid}>
                Create role
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
