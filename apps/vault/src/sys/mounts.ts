import type { Core } from '../core/core.js';
import { optionalDuration } from '../core/durations.js';
import type { MountKind } from '../core/mounts.js';
import type { MountEntry, Request, Response, Route } from '../core/types.js';
import { asObject, asString, asStringMap } from '../core/values.js';
import { VaultError } from '../http/errors.js';

export function mountView(entry: MountEntry): Record<string, unknown> {
  return {
    type: entry.type,
    description: entry.description,
    accessor: entry.accessor,
    config: {
      default_lease_ttl: entry.config.default_lease_ttl,
      max_lease_ttl: entry.config.max_lease_ttl,
      force_no_cache: false,
    },
    options: Object.keys(entry.options).length ? entry.options : null,
    local: entry.local,
    seal_wrap: entry.seal_wrap,
    external_entropy_access: false,
    uuid: entry.uuid,
    plugin_version: '',
    running_plugin_version: `v${entry.type}-builtin`,
    running_sha256: '',
  };
}

function tuneView(entry: MountEntry): Record<string, unknown> {
  return {
    description: entry.description,
    default_lease_ttl: entry.config.default_lease_ttl || 768 * 3600,
    max_lease_ttl: entry.config.max_lease_ttl || 768 * 3600,
    force_no_cache: false,
    options: Object.keys(entry.options).length ? entry.options : null,
  };
}

function leaseConfig(data: Record<string, unknown>): { default_lease_ttl: number; max_lease_ttl: number } {
  const config = asObject(data.config, 'config') ?? {};
  return {
    default_lease_ttl: optionalDuration(config.default_lease_ttl, 'default_lease_ttl') ?? 0,
    max_lease_ttl: optionalDuration(config.max_lease_ttl, 'max_lease_ttl') ?? 0,
  };
}

/** Routes for sys/mounts (secrets engines) or sys/auth (auth methods). */
export function mountRoutes(core: Core, kind: MountKind): Route[] {
  const base = kind === 'auth' ? 'auth' : 'mounts';
  const mounts = () => core.services.mounts;
  const find = (req: Request) => {
    const entry = mounts().find(req.namespace.id, kind, req.params.path ?? '');
    if (!entry) throw VaultError.badRequest(`no mount entry found at path "${req.params.path}"`);
    return entry;
  };

  const tune = async (req: Request): Promise<Response | null> => {
    const entry = find(req);
    const d = req.data;
    const def = optionalDuration(d.default_lease_ttl, 'default_lease_ttl');
    const max = optionalDuration(d.max_lease_ttl, 'max_lease_ttl');
    const nextMax = max ?? entry.config.max_lease_ttl;
    const nextDef = def ?? entry.config.default_lease_ttl;
    if (nextMax > 0 && nextDef > nextMax)
      throw VaultError.badRequest('default lease TTL cannot be greater than max lease TTL');
    entry.config.default_lease_ttl = nextDef;
    entry.config.max_lease_ttl = nextMax;
    const description = asString(d.description, 'description');
    if (description !== undefined) entry.description = description;
    const options = asStringMap(d.options, 'options');
    if (options) {
      if (options.version !== undefined && entry.type === 'kv' && options.version !== (entry.options.version ?? '1')) {
        throw VaultError.badRequest('changing the version of a mounted K/V engine is not supported');
      }
      entry.options = { ...entry.options, ...options };
    }
    await mounts().save(req.namespace.id, kind);
    return null;
  };

  return [
    {
      pattern: new RegExp(`^${base}/?$`),
      operations: {
        read: async (req) => {
          const data: Record<string, unknown> = {};
          for (const entry of mounts().list(req.namespace.id, kind)) data[entry.path] = mountView(entry);
          return { data, topLevel: true };
        },
      },
    },
    {
      pattern: new RegExp(`^${base}/(?<path>.+)/tune$`),
      operations: {
        read: async (req) => ({ data: tuneView(find(req)), topLevel: true }),
        update: tune,
      },
    },
    {
      pattern: new RegExp(`^${base}/(?<path>.+)$`),
      sudo: kind === 'auth' ? ['update', 'create', 'delete'] : false,
      operations: {
        read: async (req) => ({ data: mountView(find(req)), topLevel: true }),
        update: async (req) => {
          const d = req.data;
          let type = asString(d.type, 'type');
          if (!type) throw VaultError.badRequest('type is required');
          const options = asStringMap(d.options, 'options') ?? {};
          if (type === 'kv-v2') {
            type = 'kv';
            options.version = '2';
          }
          if (type === 'kv' && !options.version) options.version = '1';
          if (type === 'kv' && !['1', '2'].includes(options.version ?? '')) {
            throw VaultError.badRequest('invalid K/V version: must be 1 or 2');
          }
          const known = kind === 'auth' ? core.authMethods : core.secretEngines;
          if (!(type in known) || type === 'cubbyhole') {
            throw VaultError.badRequest(`plugin not found in the catalog: ${type}`);
          }
          const config = leaseConfig(d);
          if (config.max_lease_ttl > 0 && config.default_lease_ttl > config.max_lease_ttl) {
            throw VaultError.badRequest('default lease TTL cannot be greater than max lease TTL');
          }
          const description = asString(d.description, 'description') ?? '';
          await mounts().mount(req.namespace, kind, req.params.path ?? '', type, description, config, options);
          return null;
        },
        delete: async (req) => {
          await mounts().unmount(req.namespace, kind, req.params.path ?? '');
          return null;
        },
      },
    },
  ];
}

export function mountResponse(data: Record<string, unknown>): Response {
  return { data, topLevel: true };
}
