import { Button, Group, Paper, PasswordInput, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { VaultAuth, VaultEnvelope } from './vault-client';
import { useVault } from './vault-context';
import type { TokenInfo } from './vault-queries';
import { normaliseNamespace, type VaultSession, type VaultSignInMethod } from './vault-session';

const METHODS: { value: VaultSignInMethod; label: string }[] = [
  { value: 'token', label: 'Token' },
  { value: 'userpass', label: 'Username' },
  { value: 'approle', label: 'AppRole' },
];

/** Signs in to the vault with a token, a userpass user or an AppRole; the token is then kept for this tab. */
export function VaultSignInPanel({ ended }: { ended?: boolean }) {
  const { client, signIn } = useVault();
  const [method, setMethod] = useState<VaultSignInMethod>('token');
  const [namespace, setNamespace] = useState('');
  const [token, setToken] = useState('');
  const [mount, setMount] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [roleId, setRoleId] = useState('');
  const [secretId, setSecretId] = useState('');

  const attempt = useMutation({
    mutationFn: async (): Promise<VaultSession> => {
      const ns = normaliseNamespace(namespace);
      if (method === 'token') {
        const self = await client.read<TokenInfo>('auth/token/lookup-self', { token: token.trim(), namespace: ns });
        if (!self) throw new Error('The vault did not recognise this token.');
        return {
          token: token.trim(),
          namespace: ns,
          tokenNamespace: ns,
          method,
          displayName: self.display_name,
          policies: self.policies,
          accessor: self.accessor,
        };
      }
      const path = (mount.trim() || method).replace(/^\/+|\/+$/g, '');
      const login =
        method === 'userpass'
          ? await client.write(`auth/${path}/login/${username.trim()}`, { password }, { token: null, namespace: ns })
          : await client.write(
              `auth/${path}/login`,
              { role_id: roleId.trim(), secret_id: secretId.trim() },
              { token: null, namespace: ns },
            );
      const auth = (login as VaultEnvelope<unknown> | undefined)?.auth as VaultAuth | undefined;
      if (!auth?.client_token) throw new Error('The vault did not issue a token.');
      return {
        token: auth.client_token,
        namespace: ns,
        tokenNamespace: ns,
        method,
        displayName:
          method === 'userpass'
            ? (auth.metadata?.username ?? username.trim())
            : (auth.metadata?.role_name ?? 'AppRole'),
        policies: auth.policies,
        accessor: auth.accessor,
      };
    },
    onSuccess: signIn,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    attempt.mutate();
  };

  return (
    <Paper withBorder radius="md" p="xl" maw={520}>
      <form onSubmit={submit} aria-labelledby="vault-sign-in-title" noValidate>
        <Stack gap="md">
          <Stack gap={4}>
            <Title order={2} size="h3" id="vault-sign-in-title">
              Sign in to the vault
            </Title>
            <Text size="sm" c="dimmed">
              The vault has its own sign-in, separate from Meridian's. The token is kept in this browser tab only and is
              forgotten when you sign out of the vault or close the tab.
            </Text>
          </Stack>
          {ended && !attempt.isError && (
            <Text size="sm" role="status">
              Your vault sign-in has ended (the token expired or was revoked). Sign in again.
            </Text>
          )}
          {attempt.isError && <ErrorAlert title="Signing in to the vault failed" error={attempt.error} />}
          <Tabs
            value={method}
            onChange={(value) => {
              if (!value) return;
              setMethod(value as VaultSignInMethod);
              attempt.reset();
            }}
          >
            <Tabs.List grow aria-label="Sign-in method">
              {METHODS.map((item) => (
                <Tabs.Tab key={item.value} value={item.value}>
                  {item.label}
                </Tabs.Tab>
              ))}
            </Tabs.List>
          </Tabs>
          {method === 'token' && (
            <PasswordInput
              label="Token"
              value={token}
              onChange={(event) => setToken(event.currentTarget.value)}
              autoComplete="off"
              required
            />
          )}
          {method === 'userpass' && (
            <>
              <TextInput
                label="Username"
                value={username}
                onChange={(event) => setUsername(event.currentTarget.value)}
                autoComplete="off"
                required
              />
              <PasswordInput
                label="Password"
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
                autoComplete="off"
                required
              />
            </>
          )}
          {method === 'approle' && (
            <>
              <TextInput
                label="Role ID"
                value={roleId}
                onChange={(event) => setRoleId(event.currentTarget.value)}
                autoComplete="off"
                required
              />
              <PasswordInput
                label="Secret ID"
                value={secretId}
                onChange={(event) => setSecretId(event.currentTarget.value)}
                autoComplete="off"
              />
            </>
          )}
          <Group grow align="flex-start">
            {method !== 'token' && (
              <TextInput
                label="Mount path"
                placeholder={method}
                value={mount}
                onChange={(event) => setMount(event.currentTarget.value)}
              />
            )}
            <TextInput
              label="Namespace"
              placeholder="root"
              description={method === 'token' ? 'Leave empty for the root namespace' : undefined}
              value={namespace}
              onChange={(event) => setNamespace(event.currentTarget.value)}
            />
          </Group>
          <Group justify="flex-end">
            <Button type="submit" loading={attempt.isPending}>
              Sign in to the vault
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
