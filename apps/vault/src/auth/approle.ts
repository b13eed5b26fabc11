import { createHash } from 'node:crypto';
import { toRfc3339 } from '../core/clock.js';
import { parseDuration } from '../core/durations.js';
import { uuid } from '../core/ids.js';
import { KeyedMutex } from '../core/mutex.js';
import type { Backend, MountContext, Request, Response } from '../core/types.js';
import { asBool, asInt, asString, asStringList } from '../core/values.js';
import { listResponse } from '../engines/common.js';
import { VaultError } from '../http/errors.js';
import { addressAllowed, validateCidrs } from './cidr.js';
import {
  authInfoFrom,
  DEFAULT_TOKEN_PARAMS,
  parseTokenParams,
  type TokenParams,
  tokenParamsView,
} from './token-params.js';

interface Role extends TokenParams {
  role_id: string;
  bind_secret_id: boolean;
  secret_id_bound_cidrs: string[];
  secret_id_num_uses: number;
  secret_id_ttl: number;
  local_secret_ids: boolean;
}

interface SecretId {
  secret_id_accessor: string;
  secret_id_num_uses: number;
  secret_id_ttl: number;
  creation_time: number;
  expiration_time: number;
  last_updated_time: number;
  metadata: Record<string, string>;
  cidr_list: string[];
  token_bound_cidrs: string[];
}

const NAME = /^[\w.@-]+$/;
const sha = (value: string) => createHash('sha256').update(value).digest('hex');
const INVALID = 'invalid role or secret ID';

/** The AppRole auth method: role IDs and secret IDs for machines. */
export function approleBackend(ctx: MountContext): Backend {
  const { storage, clock } = ctx;
  const locks = new KeyedMutex();

  const nameOf = (req: Request) => {
    const name = req.params.role ?? '';
    if (!NAME.test(name)) throw VaultError.badRequest('invalid role name');
    return name;
  };
  const loadRole = (name: string) => storage.getJson<Role>(`role/${name}`);
  const requireRole = async (req: Request) => {
    const role = await loadRole(nameOf(req));
    if (!role) throw VaultError.badRequest(`role "${nameOf(req)}" does not exist`);
    return role;
  };
  const cidrs = (value: unknown, field: string) => {
    const list = asStringList(value, field);
    if (!list) return undefined;
    const bad = validateCidrs(list);
    if (bad) throw VaultError.badRequest(`invalid CIDR block "${bad}" in ${field}`);
    return list;
  };
  const secretKey = (name: string, secretId: string) => `secret_id/${sha(name)}/${sha(secretId)}`;

  async function saveRole(name: string, role: Role, previousRoleId?: string): Promise<void> {
    if (!role.bind_secret_id && role.secret_id_bound_cidrs.length === 0 && role.token_bound_cidrs.length === 0) {
      throw VaultError.badRequest('at least one constraint should be enabled on the role');
    }
    const existing = await storage.getJson<{ name: string }>(`role_id/${sha(role.role_id)}`);
    if (existing && existing.name !== name) throw VaultError.badRequest('role_id already in use');
    if (previousRoleId && previousRoleId !== role.role_id) await storage.delete(`role_id/${sha(previousRoleId)}`);
    await storage.putJson(`role/${name}`, role);
    await storage.putJson(`role_id/${sha(role.role_id)}`, { name });
  }

  function applyRoleFields(data: Record<string, unknown>, role: Role): Role {
    const next: Role = { ...role, ...parseTokenParams(data, role) };
    const bind = asBool(data.bind_secret_id, 'bind_secret_id');
    if (bind !== undefined) next.bind_secret_id = bind;
    const bound = cidrs(data.secret_id_bound_cidrs ?? data.bound_cidr_list, 'secret_id_bound_cidrs');
    if (bound) next.secret_id_bound_cidrs = bound;
    const uses = asInt(data.secret_id_num_uses, 'secret_id_num_uses');
    if (uses !== undefined) {
      if (uses < 0) throw VaultError.badRequest('secret_id_num_uses cannot be negative');
      next.secret_id_num_uses = uses;
    }
    if (data.secret_id_ttl !== undefined) next.secret_id_ttl = parseDuration(data.secret_id_ttl, 'secret_id_ttl');
    const local = asBool(data.local_secret_ids, 'local_secret_ids');
    if (local !== undefined) next.local_secret_ids = local;
    const roleId = asString(data.role_id, 'role_id');
    if (roleId !== undefined) {
      if (!roleId) throw VaultError.badRequest('role_id cannot be empty');
      next.role_id = roleId;
    }
    return next;
  }

  async function issueSecretId(req: Request, secretId: string): Promise<Response> {
    const name = nameOf(req);
    const role = await requireRole(req);
    if (!role.bind_secret_id) throw VaultError.badRequest('bind_secret_id is not set on the role');
    const key = secretKey(name, secretId);
    if (await storage.getJson(key)) throw VaultError.badRequest('secret_id is already registered');
    const cidrList = cidrs(req.data.cidr_list, 'cidr_list') ?? [];
    const tokenCidrs = cidrs(req.data.token_bound_cidrs, 'token_bound_cidrs') ?? [];
    let metadata: Record<string, string> = {};
    if (req.data.metadata !== undefined && req.data.metadata !== '') {
      const raw = typeof req.data.metadata === 'string' ? safeJson(req.data.metadata) : req.data.metadata;
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw VaultError.badRequest('invalid metadata');
      metadata = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
    }
    const numUses = asInt(req.data.num_uses, 'num_uses') ?? role.secret_id_num_uses;
    if (numUses < 0) throw VaultError.badRequest('num_uses cannot be negative');
    if (role.secret_id_num_uses > 0 && (numUses === 0 || numUses > role.secret_id_num_uses)) {
      throw VaultError.badRequest("num_uses cannot be higher than the role's secret_id_num_uses");
    }
    let ttl = req.data.ttl !== undefined ? parseDuration(req.data.ttl, 'ttl') : role.secret_id_ttl;
    if (role.secret_id_ttl > 0 && (ttl === 0 || ttl > role.secret_id_ttl)) ttl = role.secret_id_ttl;
    const now = clock.now();
    const entry: SecretId = {
      secret_id_accessor: uuid(),
      secret_id_num_uses: numUses,
      secret_id_ttl: ttl,
      creation_time: now,
      expiration_time: ttl > 0 ? now + ttl * 1000 : 0,
      last_updated_time: now,
      metadata,
      cidr_list: cidrList,
      token_bound_cidrs: tokenCidrs,
    };
    await storage.putJson(key, entry);
    await storage.putJson(`accessor/${sha(name)}/${sha(entry.secret_id_accessor)}`, { key });
    return {
      data: {
        secret_id: secretId,
        secret_id_accessor: entry.secret_id_accessor,
        secret_id_ttl: ttl,
        secret_id_num_uses: numUses,
      },
    };
  }

  const secretView = (s: SecretId) => ({
    cidr_list: s.cidr_list,
    creation_time: toRfc3339(s.creation_time),
    expiration_time: s.expiration_time ? toRfc3339(s.expiration_time) : '0001-01-01T00:00:00Z',
    last_updated_time: toRfc3339(s.last_updated_time),
    metadata: s.metadata,
    secret_id_accessor: s.secret_id_accessor,
    secret_id_num_uses: s.secret_id_num_uses,
    secret_id_ttl: s.secret_id_ttl,
    token_bound_cidrs: s.token_bound_cidrs,
  });

  async function destroySecret(name: string, key: string): Promise<void> {
    const entry = await storage.getJson<SecretId>(key);
    if (!entry) return;
    await storage.delete(key);
    await storage.delete(`accessor/${sha(name)}/${sha(entry.secret_id_accessor)}`);
  }

  async function keyForAccessor(req: Request): Promise<string> {
    const accessor = asString(req.data.secret_id_accessor, 'secret_id_accessor');
    if (!accessor) throw VaultError.badRequest('missing secret_id_accessor');
    const ref = await storage.getJson<{ key: string }>(`accessor/${sha(nameOf(req))}/${sha(accessor)}`);
    if (!ref) throw VaultError.notFound();
    return ref.key;
  }

  const secretIdParam = (req: Request) => {
    const secretId = asString(req.data.secret_id, 'secret_id');
    if (!secretId) throw VaultError.badRequest('missing secret_id');
    return secretId;
  };

  return {
    routes: [
      { pattern: /^role\/?$/, operations: { list: async () => listResponse(await storage.list('role/')) } },
      {
        pattern: /^role\/(?<role>[^/]+)$/,
        existence: async (req) => (await loadRole(nameOf(req))) !== null,
        operations: {
          create: async (req) => {
            const base: Role = {
              ...DEFAULT_TOKEN_PARAMS,
              role_id: uuid(),
              bind_secret_id: true,
              secret_id_bound_cidrs: [],
              secret_id_num_uses: 0,
              secret_id_ttl: 0,
              local_secret_ids: false,
            };
            await saveRole(nameOf(req), applyRoleFields(req.data, base));
            return null;
          },
          update: async (req) => {
            const role = await requireRole(req);
            await saveRole(nameOf(req), applyRoleFields(req.data, role), role.role_id);
            return null;
          },
          read: async (req) => {
            const role = await loadRole(nameOf(req));
            if (!role) throw VaultError.notFound();
            const { role_id: _id, ...rest } = role;
            return { data: { ...rest, ...tokenParamsView(role) } };
          },
          delete: async (req) => {
            const name = nameOf(req);
            const role = await loadRole(name);
            if (!role) return null;
            await storage.clear(`secret_id/${sha(name)}/`);
            await storage.clear(`accessor/${sha(name)}/`);
            await storage.delete(`role_id/${sha(role.role_id)}`);
            await storage.delete(`role/${name}`);
            return null;
          },
        },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/role-id$/,
        operations: {
          read: async (req) => ({ data: { role_id: (await requireRole(req)).role_id } }),
          update: async (req) => {
            const role = await requireRole(req);
            const roleId = asString(req.data.role_id, 'role_id');
            if (!roleId) throw VaultError.badRequest('missing role_id');
            await saveRole(nameOf(req), { ...role, role_id: roleId }, role.role_id);
            return null;
          },
        },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/secret-id\/?$/,
        operations: {
          update: (req) => issueSecretId(req, uuid()),
          list: async (req) => {
            await requireRole(req);
            const keys: string[] = [];
            for (const hashed of await storage.list(`secret_id/${sha(nameOf(req))}/`)) {
              const entry = await storage.getJson<SecretId>(`secret_id/${sha(nameOf(req))}/${hashed}`);
              if (entry) keys.push(entry.secret_id_accessor);
            }
            return listResponse(keys);
          },
        },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/custom-secret-id$/,
        operations: { update: (req) => issueSecretId(req, secretIdParam(req)) },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/secret-id\/lookup$/,
        operations: {
          update: async (req) => {
            await requireRole(req);
            const entry = await storage.getJson<SecretId>(secretKey(nameOf(req), secretIdParam(req)));
            return entry ? { data: secretView(entry) } : null;
          },
        },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/secret-id\/destroy$/,
        operations: {
          update: async (req) => {
            await destroySecret(nameOf(req), secretKey(nameOf(req), secretIdParam(req)));
            return null;
          },
          delete: async (req) => {
            await destroySecret(nameOf(req), secretKey(nameOf(req), secretIdParam(req)));
            return null;
          },
        },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/secret-id-accessor\/lookup$/,
        operations: {
          update: async (req) => {
            await requireRole(req);
            const entry = await storage.getJson<SecretId>(await keyForAccessor(req));
            if (!entry) throw VaultError.notFound();
            return { data: secretView(entry) };
          },
        },
      },
      {
        pattern: /^role\/(?<role>[^/]+)\/secret-id-accessor\/destroy$/,
        operations: {
          update: async (req) => {
            await destroySecret(nameOf(req), await keyForAccessor(req));
            return null;
          },
          delete: async (req) => {
            await destroySecret(nameOf(req), await keyForAccessor(req));
            return null;
          },
        },
      },
      {
        pattern: /^login$/,
        unauthenticated: true,
        operations: {
          update: async (req) => {
            const roleId = asString(req.data.role_id, 'role_id');
            if (!roleId) throw VaultError.badRequest('missing role_id');
            const ref = await storage.getJson<{ name: string }>(`role_id/${sha(roleId)}`);
            const role = ref ? await loadRole(ref.name) : null;
            if (!ref || !role) throw VaultError.badRequest(INVALID);
            const name = ref.name;
            if (!addressAllowed(req.remoteAddr, role.secret_id_bound_cidrs)) {
              throw VaultError.badRequest(
                `source address "${req.remoteAddr}" unauthorized by CIDR restrictions on the role`,
              );
            }
            let metadata: Record<string, string> = {};
            let tokenCidrs = role.token_bound_cidrs;
            if (role.bind_secret_id) {
              const secretId = asString(req.data.secret_id, 'secret_id');
              if (!secretId) throw VaultError.badRequest('missing secret_id');
              const key = secretKey(name, secretId);
              const entry = await locks.run(key, async () => {
                const current = await storage.getJson<SecretId>(key);
                if (!current) return null;
                if (current.expiration_time && clock.now() >= current.expiration_time) {
                  await destroySecret(name, key);
                  return null;
                }
                if (!addressAllowed(req.remoteAddr, current.cidr_list)) {
                  throw VaultError.badRequest(
                    `source address "${req.remoteAddr}" unauthorized through CIDR restrictions on the secret ID`,
                  );
                }
                if (current.secret_id_num_uses > 0) {
                  if (current.secret_id_num_uses === 1) {
                    await destroySecret(name, key);
                  } else {
                    current.secret_id_num_uses--;
                    current.last_updated_time = clock.now();
                    await storage.putJson(key, current);
                  }
                }
                return current;
              });
              if (!entry) throw VaultError.badRequest(INVALID);
              metadata = { ...entry.metadata };
              if (entry.token_bound_cidrs.length) tokenCidrs = entry.token_bound_cidrs;
            }
            const info = authInfoFrom({ ...role, token_bound_cidrs: tokenCidrs }, '', { ...metadata, role_name: name });
            return { login: info };
          },
        },
      },
    ],
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw VaultError.badRequest('failed to parse metadata as JSON');
  }
}
