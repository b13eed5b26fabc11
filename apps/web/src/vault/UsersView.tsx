import { Badge, Button, Group, Modal, PasswordInput, Stack, Table, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { AuthMountItemsPanel } from './AuthMountItemsPanel';
import { policyList } from './AuthMountPicker';
import { ConfirmButton } from './ConfirmButton';
import { FormModalButton } from './FormModalButton';
import { notifyDone } from './notify';
import { PolicyPicker } from './PolicyPicker';
import { useVault, vaultDataKey } from './vault-context';
import { useVaultQuery } from './vault-queries';

/** Users of a userpass auth method: create, set a password, choose policies, delete. */
export function UsersView() {
  return (
    <AuthMountItemsPanel
      type="userpass"
      itemsPath="users"
      view="users"
      title="Users"
      column="Username"
      plural="users"
      emptyTitle="No users yet"
      emptyText="Create a user to let a person sign in to the vault with a password."
      create={(mount) => <CreateUserButton mount={mount} />}
      row={(mount, name) => <UserRow key={name} mount={mount} name={name} />}
    />
  );
}

function UserRow({ mount, name }: { mount: string; name: string }) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const details = useVaultQuery(['userpass', mount, 'user', name], () =>
    client.read<{ token_policies?: string[]; policies?: string[] }>(`auth/${mount}/users/${name}`),
  );
  const policies = policyList(details.data?.token_policies ?? details.data?.policies);
  const refresh = () => queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'userpass', mount] });
  const remove = async () => {
    await client.delete(`auth/${mount}/users/${name}`);
    notifyDone(`User ${name} deleted`);
    await refresh();
  };
  return (
    <Table.Tr>
      <Table.Td ff="monospace">{name}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          {details.isError
            ? '—'
            : policies.map((policy) => (
                <Badge key={policy} variant="outline" color="gray.8" tt="none">
                  {policy}
                </Badge>
              ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <FormModalButton
            label="Set password"
            ariaLabel={`Set password of ${name}`}
            title={`New password for ${name}`}
            render={(close) => <SetPasswordForm mount={mount} name={name} onDone={close} />}
          />
          <FormModalButton
            label="Policies"
            ariaLabel={`Policies of ${name}`}
            title={`Policies of ${name}`}
            render={(close) => (
              <UserPoliciesForm
                mount={mount}
                name={name}
                current={policies}
                onDone={async () => {
                  await refresh();
                  close();
                }}
              />
            )}
          />
          <ConfirmButton
            title={`Delete user ${name}?`}
            message="The user can no longer sign in. Tokens already issued keep working until they expire."
            confirmLabel="Delete user"
            onConfirm={remove}
            aria-label={`Delete user ${name}`}
          >
            Delete
          </ConfirmButton>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function SetPasswordForm({ mount, name, onDone }: { mount: string; name: string; onDone: () => void }) {
  const { client } = useVault();
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => client.write(`auth/${mount}/users/${name}/password`, { password }),
    onSuccess: () => {
      notifyDone(`Password of ${name} changed`);
      onDone();
    },
  });
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        if (password) save.mutate();
      }}
    >
      <Stack gap="md">
        {save.isError && <ErrorAlert title="The password was not changed" error={save.error} />}
        <PasswordInput
          label="New password"
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          autoComplete="new-password"
          required
          data-autofocus
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!password}>
            Set password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function UserPoliciesForm({
  mount,
  name,
  current,
  onDone,
}: {
  mount: string;
  name: string;
  current: string[];
  onDone: () => Promise<void>;
}) {
  const { client } = useVault();
  const [policies, setPolicies] = useState(current);
  const save = useMutation({
    mutationFn: () => client.write(`auth/${mount}/users/${name}/policies`, { token_policies: policies }),
    onSuccess: async () => {
      notifyDone(`Policies of ${name} saved`);
      await onDone();
    },
  });
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="md">
        {save.isError && <ErrorAlert title="The policies were not saved" error={save.error} />}
        <PolicyPicker value={policies} onChange={setPolicies} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save policies
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CreateUserButton({ mount }: { mount: string }) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [policies, setPolicies] = useState<string[]>([]);
  const [problems, setProblems] = useState<{ name?: string; password?: string }>({});
  const create = useMutation({
    mutationFn: () => client.write(`auth/${mount}/users/${name.trim()}`, { password, token_policies: policies }),
    onSuccess: async () => {
      notifyDone(`User ${name.trim()} created`);
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'userpass', mount] });
      setName('');
      setPassword('');
      setPolicies([]);
      close();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      ...(name.trim() ? {} : { name: 'Enter a username' }),
      ...(/[/\s]/.test(name.trim()) ? { name: 'No spaces or slashes' } : {}),
      ...(password ? {} : { password: 'Enter a password' }),
    };
    setProblems(found);
    if (!found.name && !found.password) create.mutate();
  };
  return (
    <>
      <Button size="sm" leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
        Create user
      </Button>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={opened}
        onClose={close}
        title="Create a user"
        centered
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            {create.isError && <ErrorAlert title="The user was not created" error={create.error} />}
            <TextInput
              label="Username"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={problems.name}
              required
              data-autofocus
            />
            <PasswordInput
              label="Password"
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={problems.password}
              autoComplete="new-password"
              required
            />
            <PolicyPicker value={policies} onChange={setPolicies} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create user
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
