import { Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useVault } from './vault-context';
import { SEAL_STATUS_KEY, type SealStatus } from './vault-queries';

/** A sealed vault: key shares are entered one at a time until the threshold is reached. */
export function VaultUnsealPanel({ status }: { status: SealStatus }) {
  const { client } = useVault();
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const unseal = useMutation({
    mutationFn: async (body: { key: string } | { reset: true }) =>
      (await client.put<SealStatus>('sys/unseal', body, { token: null })) as SealStatus,
    onSuccess: (next) => {
      setKey('');
      queryClient.setQueryData(SEAL_STATUS_KEY, (previous: SealStatus | undefined) => ({ ...previous, ...next }));
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) unseal.mutate({ key: key.trim() });
  };

  return (
    <Paper withBorder radius="md" p="xl" maw={620}>
      <form onSubmit={submit} aria-labelledby="vault-unseal-title">
        <Stack gap="md">
          <Title order={2} size="h3" id="vault-unseal-title">
            Unseal the vault
          </Title>
          <Text size="sm">
            The vault is sealed: nothing in it can be read until {status.t} of the {status.n} key shares have been
            entered. Each holder can enter their own share here.
          </Text>
          <Stack gap={4}>
            <Text size="sm" fw={600} id="unseal-progress-label" aria-live="polite">
              {status.progress} of {status.t} key shares entered
            </Text>
            <progress
              style={{ width: '100%', height: 14, accentColor: 'var(--mantine-color-meridian-7)' }}
              value={status.progress}
              max={status.t || 1}
              aria-labelledby="unseal-progress-label"
            />
          </Stack>
          {unseal.isError && <ErrorAlert title="The key share was not accepted" error={unseal.error} />}
          <PasswordInput
            label="Key share"
            description="Hex or base64, as it was handed out"
            value={key}
            onChange={(event) => setKey(event.currentTarget.value)}
            autoComplete="off"
            required
          />
          <Group justify="space-between">
            <Button
              variant="default"
              onClick={() => unseal.mutate({ reset: true })}
              disabled={status.progress === 0 || unseal.isPending}
            >
              Start over
            </Button>
            <Button type="submit" loading={unseal.isPending} disabled={!key.trim()}>
              Enter key share
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
