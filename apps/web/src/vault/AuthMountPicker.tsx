import { Select, Text } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { trimSlashes } from './kv-paths';
import { VaultAnchor } from './VaultLink';
import type { VaultSearch } from './vault-location';
import { useAuthMounts } from './vault-queries';

/** The mounts of one auth method type, and the one chosen in the address (or the first). */
export function useAuthMountOf(type: string) {
  const search = useSearch({ strict: false }) as VaultSearch;
  const mounts = useAuthMounts();
  const paths = Object.entries(mounts.data ?? {})
    .filter(([, info]) => info.type === type)
    .map(([path]) => trimSlashes(path))
    .sort();
  const chosen = search.mount && paths.includes(search.mount) ? search.mount : paths[0];
  return { mounts, paths, chosen };
}

/** Switches between mounts of the same type when there is more than one. */
export function AuthMountPicker({ view, paths, chosen }: { view: string; paths: string[]; chosen: string }) {
  const navigate = useNavigate();
  if (paths.length < 2) return null;
  return (
    <Select
      label="Mount"
      size="sm"
      w={200}
      data={paths}
      value={chosen}
      allowDeselect={false}
      onChange={(value) => {
        if (value) void navigate({ to: '/console/vault/$', params: { _splat: view }, search: { mount: value } });
      }}
    />
  );
}

export function NoAuthMount({ type }: { type: string }) {
  return (
    <Text size="sm">
      No {type} auth method is enabled in this namespace.{' '}
      <VaultAnchor view={'auth'} size="sm">
        Enable it in Auth methods
      </VaultAnchor>
      .
    </Text>
  );
}

/** Policy names from a comma-separated or listed field, as the vault returns them. */
export function policyList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return [];
}
