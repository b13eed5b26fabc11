import { Alert, Button, Group, Modal, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowLeft, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useState } from 'react';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { ConfirmButton } from './ConfirmButton';
import { notifyDone } from './notify';
import { VaultAnchor } from './VaultLink';
import { isVaultError } from './vault-client';
import { useVault, vaultDataKey } from './vault-context';
import { usePolicies, usePolicy } from './vault-queries';

/** Policies Vault manages itself: `root` cannot be changed, `default` cannot be deleted. */
const BUILT_IN = new Set(['root', 'default']);
const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const EXAMPLE = `# Read the clinic's secrets
path "secret/data/clinic/*" {
  capabilities = ["read", "list"]
}
`;

export function policyNameProblem(name: string): string | undefined {
  if (!name.trim()) return 'Enter a name';
  if (!POLICY_NAME.test(name.trim())) return 'Letters, digits, ".", "_" and "-" only';
  return undefined;
}

/** The message under the editor: the vault's parse error (it names the line and column). */
function policyProblem(error: unknown): string | undefined {
  if (isVaultError(error) && error.status === 400) return error.message;
  return undefined;
}

export function PoliciesView({ name }: { name: string }) {
  return name ? <PolicyEditor name={name} /> : <PolicyList />;
}

function PolicyList() {
  const policies = usePolicies();
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          ACL policies
        </Title>
        <CreatePolicyButton />
      </Group>
      {policies.isPending ? (
        <TableSkeleton label="Loading policies" />
      ) : policies.isError ? (
        <ErrorAlert title="Policies could not be listed" error={policies.error} onRetry={() => policies.refetch()} />
      ) : policies.data.length === 0 ? (
        <EmptyState title="No policies" />
      ) : (
        <Table aria-label="Policies" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Kind</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {policies.data.map((policy) => (
              <Table.Tr key={policy}>
                <Table.Td>
                  <VaultAnchor view={`policies/${encodeURIComponent(policy)}`} ff="monospace">
                    {policy}
                  </VaultAnchor>
                </Table.Td>
                <Table.Td>{BUILT_IN.has(policy) ? 'Built in' : 'Custom'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function CreatePolicyButton() {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [opened, { open, close }] = useDisclosure(false);
  const [name, setName] = useState('');
  const [text, setText] = useState(EXAMPLE);
  const [nameProblem, setNameProblem] = useState<string>();
  const create = useMutation({
    mutationFn: () => client.put(`sys/policies/acl/${name.trim()}`, { policy: text }),
    onSuccess: async () => {
      notifyDone(`Policy ${name.trim()} saved`);
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'policies'] });
      close();
      await navigate({ to: '/console/vault/$', params: { _splat: `policies/${encodeURIComponent(name.trim())}` } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = policyNameProblem(name);
    setNameProblem(problem);
    if (!problem) create.mutate();
  };
  return (
    <>
      <Button size="sm" leftSection={<IconPlus size={16} aria-hidden />} onClick={open}>
        Create policy
      </Button>
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={opened}
        onClose={close}
        title="Create an ACL policy"
        size="lg"
        centered
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Name"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={nameProblem}
              required
              data-autofocus
            />
            <Textarea
              label="Policy (HCL)"
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              error={policyProblem(create.error)}
              autosize
              minRows={8}
              maxRows={20}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              spellCheck={false}
            />
            {create.isError && !policyProblem(create.error) && (
              <ErrorAlert title="The policy was not saved" error={create.error} />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Save policy
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

function PolicyEditor({ name }: { name: string }) {
  const { client, session } = useVault();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const policy = usePolicy(name);
  const [text, setText] = useState<string>();
  useEffect(() => {
    if (policy.data) setText(policy.data.policy);
  }, [policy.data]);
  const save = useMutation({
    mutationFn: () => client.put(`sys/policies/acl/${name}`, { policy: text ?? '' }),
    onSuccess: async () => {
      notifyDone(`Policy ${name} saved`);
      await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'policy', name] });
    },
  });
  const remove = async () => {
    await client.delete(`sys/policies/acl/${name}`);
    notifyDone(`Policy ${name} deleted`);
    await queryClient.invalidateQueries({ queryKey: [...vaultDataKey(session), 'policies'] });
    await navigate({ to: '/console/vault/$', params: { _splat: 'policies' } });
  };
  const back = (
    <VaultAnchor view={'policies'} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> All policies
      </Group>
    </VaultAnchor>
  );

  if (policy.isPending) return <TableSkeleton label="Reading the policy" />;
  if (policy.isError) {
    return <ErrorAlert title="The policy could not be read" error={policy.error} onRetry={() => policy.refetch()} />;
  }
  if (!policy.data) {
    return (
      <Stack gap="sm">
        {back}
        <Alert color="gray" variant="light" title={`No policy named ${name}`} />
      </Stack>
    );
  }
  const readOnly = name === 'root';
  return (
    <Paper withBorder radius="md" p="md">
      <form
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          save.mutate();
        }}
        aria-label={`Policy ${name}`}
        noValidate
      >
        <Stack gap="sm">
          {back}
          <Group justify="space-between">
            <Title order={2} size="h4" ff="monospace">
              {name}
            </Title>
            {!BUILT_IN.has(name) && (
              <ConfirmButton
                size="sm"
                title={`Delete policy ${name}?`}
                message="Tokens, users and roles that name this policy lose what it granted."
                confirmLabel="Delete policy"
                onConfirm={remove}
              >
                Delete policy
              </ConfirmButton>
            )}
          </Group>
          {readOnly && (
            <Text size="sm" c="dimmed">
              The root policy grants everything and cannot be changed.
            </Text>
          )}
          <Textarea
            label="Policy (HCL)"
            value={text ?? ''}
            onChange={(event) => {
              setText(event.currentTarget.value);
              if (save.isError) save.reset();
            }}
            error={policyProblem(save.error)}
            readOnly={readOnly}
            autosize
            minRows={10}
            maxRows={30}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            spellCheck={false}
          />
          {save.isError && !policyProblem(save.error) && (
            <ErrorAlert title="The policy was not saved" error={save.error} />
          )}
          {!readOnly && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                Save policy
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
