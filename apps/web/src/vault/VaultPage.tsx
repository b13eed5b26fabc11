import { Button, Group, Stack, Text } from '@mantine/core';
import { IconLock, IconLogout } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';
import { AppRolesView } from './AppRolesView';
import { AuthMethodsView } from './AuthMethodsView';
import { NamespaceSwitcher } from './NamespaceSwitcher';
import { PoliciesView } from './PoliciesView';
import { SecretsView } from './SecretsView';
import { UsersView } from './UsersView';
import { type InitResult, VaultInitPanel, VaultKeysPanel } from './VaultInitPanel';
import { VaultButtonLink } from './VaultLink';
import { VaultProvider } from './VaultProvider';
import { VaultSignInPanel } from './VaultSignInPanel';
import { VaultUnsealPanel } from './VaultUnsealPanel';
import { isVaultError } from './vault-client';
import { useVault } from './vault-context';
import { parseVaultLocation, VAULT_VIEWS, type VaultView } from './vault-location';
import { SEAL_STATUS_KEY, useSealStatus, useTokenSelf } from './vault-queries';

/** The vault section: initialise, unseal, sign in to the vault, then its secrets, policies and sign-in methods. */
export function VaultPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.vault} what="The vault">
      <VaultProvider>
        <VaultSection />
      </VaultProvider>
    </RequireRole>
  );
}

function VaultSection() {
  const status = useSealStatus();
  const { session } = useVault();
  const [initResult, setInitResult] = useState<InitResult>();
  const queryClient = useQueryClient();

  let body: React.ReactNode;
  if (initResult) {
    body = (
      <VaultKeysPanel
        result={initResult}
        onDone={() => {
          setInitResult(undefined);
          void queryClient.invalidateQueries({ queryKey: SEAL_STATUS_KEY });
        }}
      />
    );
  } else if (status.isPending) {
    body = <TableSkeleton label="Reading the vault's status" />;
  } else if (status.isError) {
    body = (
      <ErrorAlert title="The vault's status could not be read" error={status.error} onRetry={() => status.refetch()} />
    );
  } else if (!status.data.initialized) {
    body = (
      <VaultInitPanel
        onInitialised={(result) => {
          setInitResult(result);
          void queryClient.invalidateQueries({ queryKey: SEAL_STATUS_KEY });
        }}
      />
    );
  } else if (status.data.sealed) {
    body = <VaultUnsealPanel status={status.data} />;
  } else if (!session) {
    body = <VaultSignInPanel />;
  } else {
    body = <VaultWorkspace />;
  }

  const description = status.data
    ? !status.data.initialized
      ? 'Not initialised'
      : status.data.sealed
        ? 'Sealed'
        : `Unsealed · ${status.data.version}`
    : 'status unknown';
  return (
    <>
      <PageHeader title="Vault" description={`Meridian Vault · ${description}`} />
      {body}
    </>
  );
}

function VaultIdentity() {
  const { session, signOut, client } = useVault();
  const queryClient = useQueryClient();
  const seal = useMutation({
    mutationFn: () => client.put('sys/seal'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: SEAL_STATUS_KEY }),
  });
  if (!session) return null;
  return (
    <Group gap="sm" wrap="wrap">
      <NamespaceSwitcher />
      <Text size="sm" aria-label="Signed in to the vault as">
        <Text span c="dimmed" size="sm">
          Vault user{' '}
        </Text>
        <Text span fw={600} size="sm" data-testid="vault-identity">
          {session.displayName}
        </Text>
      </Text>
      {session.policies.includes('root') && (
        <Button
          variant="default"
          size="sm"
          leftSection={<IconLock size={16} aria-hidden />}
          onClick={() => seal.mutate()}
          loading={seal.isPending}
        >
          Seal
        </Button>
      )}
      <Button variant="default" size="sm" leftSection={<IconLogout size={16} aria-hidden />} onClick={signOut}>
        Sign out of the vault
      </Button>
    </Group>
  );
}

function VaultWorkspace() {
  const { signOut } = useVault();
  const self = useTokenSelf();
  const params = useParams({ strict: false }) as { _splat?: string };
  const location = parseVaultLocation(params._splat);
  const ended = self.isError && isVaultError(self.error) && self.error.isPermissionDenied;
  const [showEnded, setShowEnded] = useState(false);
  useEffect(() => {
    if (ended) {
      setShowEnded(true);
      signOut();
    }
  }, [ended, signOut]);

  if (showEnded) return <VaultSignInPanel ended />;
  if (self.isPending) return <TableSkeleton label="Checking your vault sign-in" />;
  if (self.isError && !ended) {
    return (
      <ErrorAlert title="Your vault sign-in could not be checked" error={self.error} onRetry={() => self.refetch()} />
    );
  }
  return (
    <Stack gap="lg">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <VaultSectionLinks current={location.view} />
        <VaultIdentity />
      </Group>
      {location.view === 'secrets' && <SecretsView />}
      {location.view === 'policies' && <PoliciesView name={location.name} />}
      {location.view === 'auth' && <AuthMethodsView />}
      {location.view === 'users' && <UsersView />}
      {location.view === 'approles' && <AppRolesView />}
    </Stack>
  );
}

function VaultSectionLinks({ current }: { current: VaultView }) {
  return (
    <Group gap={4} component="nav" aria-label="Vault sections" wrap="wrap">
      {VAULT_VIEWS.map((item) => (
        <VaultButtonLink
          key={item.view}
          view={item.view}
          variant={current === item.view ? 'light' : 'subtle'}
          aria-current={current === item.view ? 'page' : undefined}
        >
          {item.label}
        </VaultButtonLink>
      ))}
    </Group>
  );
}
