import { createHash } from 'node:crypto';
import { toRfc3339 } from '../core/clock.js';
import { optionalDuration } from '../core/durations.js';
import { KeyedMutex } from '../core/mutex.js';
import type { Backend, MountContext, Request, Response, Route } from '../core/types.js';
import { asBool, asInt, asObject, asStringMap } from '../core/values.js';
import { VaultError } from '../http/errors.js';
import { cleanKey, folder, listResponse } from './common.js';

interface VersionMeta {
  created_time: number;
  deletion_time: number;
  destroyed: boolean;
}

interface KeyMeta {
  created_time: number;
  updated_time: number;
  current_version: number;
  oldest_version: number;
  max_versions: number;
  cas_required: boolean;
  delete_version_after: number;
  custom_metadata: Record<string, string> | null;
  versions: Record<string, VersionMeta>;
}

interface KvConfig {
  max_versions: number;
  cas_required: boolean;
  delete_version_after: number;
}

const DEFAULT_MAX_VERSIONS = 10;
const INVALID_PATH =
  "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

function seconds(s: number): string {
  return `${s}s`;
}

/** KV version 2: versioned secrets with check-and-set, soft delete, undelete and destroy. */
export function kvV2Backend(ctx: MountContext): Backend {
  const { storage, clock, entry } = ctx;
  const locks = new KeyedMutex();
  const versionsKey = (path: string) =>
    `versions/${createHash('sha256').update(`${entry.uuid}:${path}`).digest('hex')}`;

  const keyOf = (req: Request) => {
    const k = cleanKey(req.params.path ?? '');
    if (k === '' || k.endsWith('/')) throw VaultError.badRequest('missing path');
    return k;
  };
  let cachedConfig: KvConfig | null = null;
  const config = async (): Promise<KvConfig> => {
    if (!cachedConfig) {
      cachedConfig = (await storage.getJson<KvConfig>('config')) ?? {
        max_versions: 0,
        cas_required: false,
        delete_version_after: 0,
      };
    }
    return { ...cachedConfig };
  };
  const readMeta = (path: string) => storage.getJson<KeyMeta>(`meta/${path}`);

  /** Deletion time taking delete_version_after into account (0 when live). */
  const deletionTime = (meta: KeyMeta, v: VersionMeta, cfg: KvConfig): number => {
    if (v.deletion_time) return v.deletion_time;
    const after = meta.delete_version_after || cfg.delete_version_after;
    return after > 0 ? v.created_time + after * 1000 : 0;
  };
  const versionView = (meta: KeyMeta, n: number, cfg: KvConfig) => {
    const v = meta.versions[String(n)] as VersionMeta;
    const deleted = deletionTime(meta, v, cfg);
    return {
      created_time: toRfc3339(v.created_time),
      custom_metadata: meta.custom_metadata,
      deletion_time: deleted ? toRfc3339(deleted) : '',
      destroyed: v.destroyed,
      version: n,
    };
  };
  const isLive = (meta: KeyMeta, n: number, cfg: KvConfig, now: number) => {
    const v = meta.versions[String(n)];
    if (!v || v.destroyed) return false;
    const deleted = deletionTime(meta, v, cfg);
    return !deleted || deleted > now;
  };

  const newMeta = (now: number): KeyMeta => ({
    created_time: now,
    updated_time: now,
    current_version: 0,
    oldest_version: 0,
    max_versions: 0,
    cas_required: false,
    delete_version_after: 0,
    custom_metadata: null,
    versions: {},
  });

  async function writeVersion(req: Request, path: string, data: Record<string, unknown>, cas: number | undefined) {
    const cfg = await config();
    const now = clock.now();
    const meta = (await readMeta(path)) ?? newMeta(now);
    if ((meta.cas_required || cfg.cas_required) && cas === undefined) {
      throw VaultError.badRequest('check-and-set parameter required for this call');
    }
    if (cas !== undefined && cas !== meta.current_version) {
      throw VaultError.badRequest('check-and-set parameter did not match the current version');
    }
    const version = meta.current_version + 1;
    await storage.putJson(`${versionsKey(path)}/${version}`, { data });
    meta.versions[String(version)] = { created_time: now, deletion_time: 0, destroyed: false };
    meta.current_version = version;
    meta.updated_time = now;
    if (meta.oldest_version === 0) meta.oldest_version = version;
    const max = meta.max_versions || cfg.max_versions || DEFAULT_MAX_VERSIONS;
    const numbers = Object.keys(meta.versions)
      .map(Number)
      .sort((a, b) => a - b);
    while (numbers.length > max) {
      const oldest = numbers.shift() as number;
      delete meta.versions[String(oldest)];
      await storage.delete(`${versionsKey(path)}/${oldest}`);
    }
    meta.oldest_version = numbers[0] ?? version;
    await storage.putJson(`meta/${path}`, meta);
    void req;
    return { data: versionView(meta, version, cfg) };
  }

  function versionsParam(req: Request): number[] {
    const raw = req.data.versions;
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : raw === undefined ? [] : [raw];
    const versions = list.map((v) => Number(v)).filter((v) => Number.isInteger(v) && v > 0);
    if (versions.length === 0) throw VaultError.badRequest('no version number provided');
    return versions;
  }

  async function mutateVersions(req: Request, fn: (meta: KeyMeta, v: VersionMeta, n: number) => Promise<void>) {
    const path = keyOf(req);
    const versions = versionsParam(req);
    await locks.run(path, async () => {
      const meta = await readMeta(path);
      if (!meta) return;
      for (const n of versions) {
        const v = meta.versions[String(n)];
        if (v) await fn(meta, v, n);
      }
      meta.updated_time = clock.now();
      await storage.putJson(`meta/${path}`, meta);
    });
    return null;
  }

  async function writeMetadata(req: Request, patch: boolean): Promise<null> {
    const path = keyOf(req);
    const maxVersions = asInt(req.data.max_versions, 'max_versions');
    const casRequired = asBool(req.data.cas_required, 'cas_required');
    const dva = optionalDuration(req.data.delete_version_after, 'delete_version_after');
    const custom = asStringMap(req.data.custom_metadata, 'custom_metadata');
    if (maxVersions !== undefined && maxVersions < 0) throw VaultError.badRequest('max_versions must be positive');
    await locks.run(path, async () => {
      const now = clock.now();
      const meta = (await readMeta(path)) ?? newMeta(now);
      if (maxVersions !== undefined) meta.max_versions = maxVersions;
      if (casRequired !== undefined) meta.cas_required = casRequired;
      if (dva !== undefined) meta.delete_version_after = dva;
      if (custom !== undefined) {
        meta.custom_metadata = patch ? { ...(meta.custom_metadata ?? {}), ...custom } : custom;
      } else if (!patch) {
        meta.custom_metadata = meta.custom_metadata ?? null;
      }
      meta.updated_time = now;
      await storage.putJson(`meta/${path}`, meta);
    });
    return null;
  }

  const routes: Route[] = [
    {
      pattern: /^config$/,
      operations: {
        read: async () => {
          const cfg = await config();
          return {
            data: {
              max_versions: cfg.max_versions,
              cas_required: cfg.cas_required,
              delete_version_after: seconds(cfg.delete_version_after),
            },
          };
        },
        update: async (req) => {
          const cfg = await config();
          const max = asInt(req.data.max_versions, 'max_versions');
          const cas = asBool(req.data.cas_required, 'cas_required');
          const dva = optionalDuration(req.data.delete_version_after, 'delete_version_after');
          if (max !== undefined) cfg.max_versions = max;
          if (cas !== undefined) cfg.cas_required = cas;
          if (dva !== undefined) cfg.delete_version_after = dva;
          await storage.putJson('config', cfg);
          cachedConfig = cfg;
          return null;
        },
      },
    },
    {
      pattern: /^data\/(?<path>.+)$/,
      existence: async (req) => (await readMeta(keyOf(req))) !== null,
      operations: {
        read: async (req): Promise<Response> => {
          const path = keyOf(req);
          const meta = await readMeta(path);
          if (!meta || meta.current_version === 0) throw VaultError.notFound();
          const cfg = await config();
          const requested = asInt(req.query.version ?? req.data.version, 'version') ?? 0;
          const n = requested > 0 ? requested : meta.current_version;
          if (!meta.versions[String(n)]) throw VaultError.notFound();
          const metadata = versionView(meta, n, cfg);
          if (!isLive(meta, n, cfg, clock.now())) {
            throw new VaultError(404, [], { data: { data: null, metadata } });
          }
          const stored = await storage.getJson<{ data: Record<string, unknown> }>(`${versionsKey(path)}/${n}`);
          if (!stored) throw VaultError.notFound();
          return { data: { data: stored.data, metadata } };
        },
        update: async (req) => {
          const path = keyOf(req);
          const data = asObject(req.data.data, 'data');
          if (!data) throw VaultError.badRequest('no data provided');
          const options = asObject(req.data.options, 'options') ?? {};
          const cas = asInt(options.cas, 'cas');
          return locks.run(path, () => writeVersion(req, path, data, cas));
        },
        patch: async (req) => {
          const path = keyOf(req);
          const patch = asObject(req.data.data, 'data');
          if (!patch) throw VaultError.badRequest('no data provided');
          const options = asObject(req.data.options, 'options') ?? {};
          const cas = asInt(options.cas, 'cas');
          return locks.run(path, async () => {
            const meta = await readMeta(path);
            const cfg = await config();
            if (!meta || meta.current_version === 0 || !isLive(meta, meta.current_version, cfg, clock.now())) {
              throw VaultError.notFound();
            }
            const stored = await storage.getJson<{ data: Record<string, unknown> }>(
              `${versionsKey(path)}/${meta.current_version}`,
            );
            if (!stored) throw VaultError.notFound();
            return writeVersion(req, path, mergePatch(stored.data, patch) as Record<string, unknown>, cas);
          });
        },
        delete: async (req) => {
          const path = keyOf(req);
          await locks.run(path, async () => {
            const meta = await readMeta(path);
            const current = meta?.versions[String(meta.current_version)];
            if (!meta || !current || current.deletion_time || current.destroyed) return;
            current.deletion_time = clock.now();
            meta.updated_time = clock.now();
            await storage.putJson(`meta/${path}`, meta);
          });
          return null;
        },
      },
    },
    {
      pattern: /^delete\/(?<path>.+)$/,
      operations: {
        update: (req) =>
          mutateVersions(req, async (_m, v) => {
            if (!v.destroyed && !v.deletion_time) v.deletion_time = clock.now();
          }),
      },
    },
    {
      pattern: /^undelete\/(?<path>.+)$/,
      operations: {
        update: (req) =>
          mutateVersions(req, async (_m, v) => {
            if (!v.destroyed) v.deletion_time = 0;
          }),
      },
    },
    {
      pattern: /^destroy\/(?<path>.+)$/,
      operations: {
        update: (req) =>
          mutateVersions(req, async (_m, v, n) => {
            v.destroyed = true;
            await storage.delete(`${versionsKey(keyOf(req))}/${n}`);
          }),
      },
    },
    {
      pattern: /^metadata\/?(?<path>.*)$/,
      existence: async (req) => {
        const k = cleanKey(req.params.path ?? '');
        return k !== '' && !k.endsWith('/') && (await readMeta(k)) !== null;
      },
      operations: {
        read: async (req) => {
          const path = keyOf(req);
          const meta = await readMeta(path);
          if (!meta) throw VaultError.notFound();
          const cfg = await config();
          const versions: Record<string, unknown> = {};
          for (const n of Object.keys(meta.versions)) {
            const { created_time, deletion_time, destroyed } = versionView(meta, Number(n), cfg);
            versions[n] = { created_time, deletion_time, destroyed };
          }
          return {
            data: {
              cas_required: meta.cas_required,
              created_time: toRfc3339(meta.created_time),
              current_version: meta.current_version,
              custom_metadata: meta.custom_metadata,
              delete_version_after: seconds(meta.delete_version_after),
              max_versions: meta.max_versions,
              oldest_version: meta.oldest_version,
              updated_time: toRfc3339(meta.updated_time),
              versions,
            },
          };
        },
        update: (req) => writeMetadata(req, false),
        patch: async (req) => {
          if (!(await readMeta(keyOf(req)))) throw VaultError.notFound();
          return writeMetadata(req, true);
        },
        delete: async (req) => {
          const path = keyOf(req);
          await locks.run(path, async () => {
            const meta = await readMeta(path);
            if (!meta) return;
            for (const n of Object.keys(meta.versions)) await storage.delete(`${versionsKey(path)}/${n}`);
            await storage.delete(`meta/${path}`);
          });
          return null;
        },
        list: async (req) => listResponse(await storage.list(`meta/${folder(req.params.path ?? '')}`)),
      },
    },
    {
      pattern: /^subkeys\/(?<path>.+)$/,
      operations: {
        read: async (req) => {
          const path = keyOf(req);
          const meta = await readMeta(path);
          const cfg = await config();
          const requested = asInt(req.query.version, 'version') ?? 0;
          const n = requested > 0 ? requested : (meta?.current_version ?? 0);
          if (!meta || !isLive(meta, n, cfg, clock.now())) throw VaultError.notFound();
          const stored = await storage.getJson<{ data: Record<string, unknown> }>(`${versionsKey(path)}/${n}`);
          if (!stored) throw VaultError.notFound();
          const depth = asInt(req.query.depth, 'depth') ?? 0;
          return { data: { subkeys: subkeys(stored.data, depth, 1), metadata: versionView(meta, n, cfg) } };
        },
      },
    },
    {
      pattern: /^(?<path>.*)$/,
      operations: Object.fromEntries(
        (['read', 'update', 'create', 'delete', 'list', 'patch'] as const).map((op) => [
          op,
          async () => {
            throw new VaultError(404, [INVALID_PATH]);
          },
        ]),
      ),
    },
  ];
  return { routes };
}

/** RFC 7396 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

function subkeys(value: Record<string, unknown>, depth: number, level: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const nested = v && typeof v === 'object' && !Array.isArray(v) && (depth === 0 || level < depth);
    out[k] = nested ? subkeys(v as Record<string, unknown>, depth, level + 1) : null;
  }
  return out;
}
