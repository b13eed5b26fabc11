import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconAlertTriangle, IconCopy } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useVault } from './vault-context';

/** Vault accepts 1 to 255 shares; more than a handful is rarely wise, so the form stops at 10. */
function countProblem(value: string): string | undefined {
  const count = Number(value);
  return Number.isInteger(count) && count >= 1 && count <= 10 ? undefined : 'A whole number from 1 to 10';
}

export interface InitResult {
  keys: string[];
  keys_base64: string[];
  root_token: string;
}

/** A vault that was never initialised: choose the key shares and the threshold, then initialise. */
export function VaultInitPanel({ onInitialised }: { onInitialised: (result: InitResult) => void }) {
  const { client } = useVault();
  const [shares, setShares] = useState('5');
  const [threshold, setThreshold] = useState('3');
  const init = useMutation({
    mutationFn: async () =>
      (await client.put<InitResult>(
        'sys/init',
        { secret_shares: Number(shares), secret_threshold: Number(threshold) },
        { token: null },
      )) as InitResult,
    onSuccess: onInitialised,
  });
  const thresholdProblem =
    countProblem(threshold) ?? (Number(threshold) > Number(shares) ? 'Cannot be more than the key shares' : undefined);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!thresholdProblem && !countProblem(shares)) init.mutate();
  };

  return (
    <Paper withBorder radius="md" p="xl" maw={620}>
      <form onSubmit={submit} aria-labelledby="vault-init-title">
        <Stack gap="md">
          <Title order={2} size="h3" id="vault-init-title">
            Initialise the vault
          </Title>
          <Text size="sm">
            This vault has never been used. Initialising it creates the root key, splits it into key shares (any
            threshold number of them unseal the vault) and makes a first root token.
          </Text>
          {init.isError && <ErrorAlert title="The vault was not initialised" error={init.error} />}
          <Group grow align="flex-start">
            <TextInput
              label="Key shares"
              inputMode="numeric"
              value={shares}
              onChange={(event) => setShares(event.currentTarget.value)}
              error={countProblem(shares)}
              required
            />
            <TextInput
              label="Key threshold"
              description="Shares needed to unseal"
              inputMode="numeric"
              value={threshold}
              onChange={(event) => setThreshold(event.currentTarget.value)}
              error={thresholdProblem}
              required
            />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" loading={init.isPending}>
              Initialise
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** The key shares and root token, shown once: the vault never hands them out again. */
export function VaultKeysPanel({ result, onDone }: { result: InitResult; onDone: () => void }) {
  return (
    <Paper withBorder radius="md" p="xl" maw={860}>
      <Stack gap="md">
        <Title order={2} size="h3">
          Save the key shares and the root token
        </Title>
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title="This is the only time they are shown"
        >
          Give each key share to a different trusted person and store them apart. Without enough of them the vault can
          never be unsealed again and everything in it is lost. Keep the root token safe, and revoke it once other ways
          to sign in are set up.
        </Alert>
        <Table aria-label="Key shares" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Share</Table.Th>
              <Table.Th scope="col">Key (hex)</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Copy</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.keys.map((key, index) => (
              <Table.Tr key={key}>
                <Table.Td>{index + 1}</Table.Td>
                <Table.Td>
                  <Code data-testid="key-share" style={{ wordBreak: 'break-all' }}>
                    {key}
                  </Code>
                </Table.Td>
                <Table.Td>
                  <CopyValue value={key} label={`Copy key share ${index + 1}`} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group gap="sm" wrap="nowrap">
          <Text fw={600} size="sm">
            Root token
          </Text>
          <Code data-testid="root-token">{result.root_token}</Code>
          <CopyValue value={result.root_token} label="Copy root token" />
        </Group>
        <Group justify="flex-end">
          <Button onClick={onDone}>I have saved them: continue to unseal</Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant="default"
          onClick={copy}
          leftSection={<IconCopy size={14} aria-hidden />}
          aria-label={label}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}
