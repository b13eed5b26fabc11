/** A secrets engine mount as sys/mounts lists it. */
export interface MountInfo {
  type: string;
  description?: string;
  options?: Record<string, string> | null;
}

export type KvVersion = 1 | 2;

/** The KV mounts (v1 and v2) among sys/mounts, sorted by path, with their version. */
export function kvMounts(mounts: Record<string, MountInfo>): { path: string; version: KvVersion; info: MountInfo }[] {
  return Object.entries(mounts)
    .filter(([, info]) => info && (info.type === 'kv' || info.type === 'kv-v2' || info.type === 'generic'))
    .map(([path, info]) => ({ path: trimSlashes(path), version: kvVersionOf(info), info }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function kvVersionOf(info: MountInfo): KvVersion {
  return info.type === 'kv-v2' || info.options?.version === '2' ? 2 : 1;
}

export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** A folder path ('' or ending in '/'). */
export function folderPath(path: string): string {
  const trimmed = trimSlashes(path);
  return trimmed ? `${trimmed}/` : '';
}

export function isFolderKey(key: string): boolean {
  return key.endsWith('/');
}

/** The API path of a KV operation: KV v2 puts `data/`, `metadata/`, ... between the mount and the path. */
export function kvApiPath(
  mount: string,
  version: KvVersion,
  operation: 'read' | 'write' | 'list' | 'metadata' | 'delete' | 'undelete' | 'destroy',
  path: string,
): string {
  const base = trimSlashes(mount);
  const rest = operation === 'list' ? folderPath(path) : trimSlashes(path);
  if (version === 1) return `${base}/${rest}`;
  const segment =
    operation === 'read' || operation === 'write' ? 'data' : operation === 'list' ? 'metadata' : operation;
  return `${base}/${segment}/${rest}`;
}

/** Crumbs from the mount to a path: each with the path it opens ('' is the mount's top). */
export function breadcrumbs(path: string): { label: string; path: string }[] {
  const segments = trimSlashes(path).split('/').filter(Boolean);
  const isFolder = path.endsWith('/') || path === '';
  return segments.map((label, index) => {
    const joined = segments.slice(0, index + 1).join('/');
    const last = index === segments.length - 1;
    return { label, path: last && !isFolder ? joined : `${joined}/` };
  });
}

/** Why a secret path cannot be used, or undefined when it can. */
export function secretPathProblem(path: string): string | undefined {
  const trimmed = path.trim();
  if (!trimmed) return 'Enter a path for the secret.';
  if (trimmed.startsWith('/')) return 'A path does not start with a slash.';
  if (trimmed.endsWith('/')) return 'A path ending in a slash is a folder; name the secret after it.';
  if (trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'A path has no empty, "." or ".." parts.';
  }
  return undefined;
}

/** Version numbers of KV v2 metadata, newest first, with their state. */
export interface VersionRow {
  version: number;
  createdTime: string;
  deletionTime: string;
  destroyed: boolean;
  state: 'current' | 'available' | 'deleted' | 'destroyed';
}

export interface KvMetadata {
  current_version: number;
  oldest_version?: number;
  max_versions?: number;
  created_time?: string;
  updated_time?: string;
  versions: Record<string, { created_time: string; deletion_time: string; destroyed: boolean }>;
}

export function versionRows(metadata: KvMetadata): VersionRow[] {
  return Object.entries(metadata.versions)
    .map(([key, value]) => {
      const version = Number(key);
      const state: VersionRow['state'] = value.destroyed
        ? 'destroyed'
        : value.deletion_time
          ? 'deleted'
          : version === metadata.current_version
            ? 'current'
            : 'available';
      return {
        version,
        createdTime: value.created_time,
        deletionTime: value.deletion_time,
        destroyed: value.destroyed,
        state,
      };
    })
    .filter((row) => Number.isInteger(row.version))
    .sort((a, b) => b.version - a.version);
}
