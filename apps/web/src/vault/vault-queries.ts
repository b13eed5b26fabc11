import { useQuery } from '@tanstack/react-query';
import { type KvMetadata, type KvVersion, kvApiPath, type MountInfo } from './kv-paths';
import { isVaultError } from './vault-client';
import { useVault, vaultDataKey } from './vault-context';

export interface SealStatus {
  type: string;
  initialized: boolean;
  sealed: boolean;
  /** Key shares needed to unseal. */
  t: number;
  /** Key shares handed out. */
  n: number;
  progress: number;
  version: string;
  cluster_name?: string;
}

export const SEAL_STATUS_KEY = ['vault', 'seal-status'] as const;

// Vault refusals (4xx) are answers to show, not failures to retry.
const retry = (failures: number, error: unknown) =>
  failures < 1 && !(isVaultError(error) && error.status >= 400 && error.status < 500);

export function useSealStatus() {
  const { client } = useVault();
  return useQuery({
    queryKey: SEAL_STATUS_KEY,
    queryFn: async () => (await client.request<SealStatus>('GET', 'sys/seal-status', { token: null })) as SealStatus,
    staleTime: 5_000,
    retry,
  });
}

export interface TokenInfo {
  accessor: string;
  display_name: string;
  policies: string[];
  ttl: number;
  expire_time: string | null;
  namespace_path?: string;
}

/** The signed-in token as the vault sees it; a refusal means the sign-in has ended (revoked, expired). */
export function useTokenSelf() {
  const { client, session } = useVault();
  return useQuery({
    queryKey: [...vaultDataKey(session), 'token-self'],
    // Looked up where the token lives: working in a namespace below it must not look like a lost sign-in.
    queryFn: async () =>
      (await client.read<TokenInfo>('auth/token/lookup-self', {
        namespace: session?.tokenNamespace ?? session?.namespace ?? '',
      })) as TokenInfo,
    enabled: session !== undefined,
    staleTime: 60_000,
    retry,
  });
}

export function useVaultQuery<T>(parts: readonly unknown[], read: () => Promise<T>, enabled = true) {
  const { session } = useVault();
  return useQuery({
    queryKey: [...vaultDataKey(session), ...parts],
    queryFn: read,
    enabled: enabled && session !== undefined,
    staleTime: 10_000,
    retry,
  });
}

export function useSecretMounts() {
  const { client } = useVault();
  return useVaultQuery(['mounts'], async () => (await client.read<Record<string, MountInfo>>('sys/mounts')) ?? {});
}

export interface AuthMount {
  type: string;
  description?: string;
  accessor?: string;
}

export function useAuthMounts() {
  const { client } = useVault();
  return useVaultQuery(['auth-mounts'], async () => (await client.read<Record<string, AuthMount>>('sys/auth')) ?? {});
}

export function useKvList(mount: string, version: KvVersion, folder: string, enabled = true) {
  const { client } = useVault();
  return useVaultQuery(
    ['kv', mount, 'list', folder],
    () => client.list(kvApiPath(mount, version, 'list', folder)),
    enabled,
  );
}

export interface KvSecret {
  data: Record<string, unknown> | null;
  metadata?: { version: number; created_time: string; deletion_time: string; destroyed: boolean } | null;
}

/** A secret's data (a given KV v2 version, or the latest); null when there is none to show. */
export function useKvSecret(mount: string, version: KvVersion, path: string, secretVersion?: number) {
  const { client } = useVault();
  return useVaultQuery(['kv', mount, 'secret', path, secretVersion ?? 'latest'], async () => {
    const answer = await client.read<unknown>(kvApiPath(mount, version, 'read', path), {
      ...(secretVersion && version === 2 ? { query: { version: secretVersion } } : {}),
    });
    if (answer === undefined) return null;
    return version === 2 ? (answer as KvSecret) : { data: answer as Record<string, unknown> };
  });
}

export function useKvMetadata(mount: string, path: string, enabled: boolean) {
  const { client } = useVault();
  return useVaultQuery(
    ['kv', mount, 'metadata', path],
    async () => (await client.read<KvMetadata>(kvApiPath(mount, 2, 'metadata', path))) ?? null,
    enabled,
  );
}

export function usePolicies() {
  const { client } = useVault();
  return useVaultQuery(['policies'], () => client.list('sys/policies/acl'));
}

export function usePolicy(name: string) {
  const { client } = useVault();
  return useVaultQuery(
    ['policy', name],
    async () => (await client.read<{ name: string; policy: string }>(`sys/policies/acl/${name}`)) ?? null,
    name !== '',
  );
}

/** What the signed-in token may do on each path; undefined per path when the vault would not say. */
export function useCapabilities(paths: string[]) {
  const { client } = useVault();
  return useVaultQuery(['capabilities', ...paths], async () => {
    try {
      const answer = await client.write<Record<string, string[]>>('sys/capabilities-self', { paths });
      return answer?.data ?? {};
    } catch {
      return {} as Record<string, string[]>;
    }
  });
}
