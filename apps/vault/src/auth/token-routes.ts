import type { Core } from '../core/core.js';
import { parseDuration } from '../core/durations.js';
import type { Backend, Request, Response, TokenEntry } from '../core/types.js';
import { asBool, asInt, asString, asStringList, asStringMap } from '../core/values.js';
import { VaultError } from '../http/errors.js';
import { withDefaultPolicy } from './issue.js';
import { authBlock, lookupData } from './token-format.js';

/** The built-in token auth method at auth/token/. */
export function tokenBackend(core: Core): Backend {
  const services = () => core.services;

  const hasSudo = async (req: Request, path: string): Promise<boolean> => {
    const token = req.token;
    if (!token) return false;
    if (token.policies.includes('root')) return true;
    const acl = await services().policies.acl(token.namespaceId, token.policies);
    return acl.allowed(path, 'update').sudo;
  };

  async function create(req: Request, orphanEndpoint: boolean): Promise<Response> {
    const parent = req.token as TokenEntry;
    const d = req.data;
    if ((asString(d.type, 'type') ?? 'service') !== 'service') {
      throw VaultError.badRequest('only service tokens are supported');
    }
    const noParent = asBool(d.no_parent, 'no_parent') ?? false;
    const isRootParent = parent.policies.includes('root');
    const sudo = isRootParent || (await hasSudo(req, 'auth/token/create'));
    if (noParent && !orphanEndpoint && !sudo) {
      throw VaultError.badRequest('root or sudo privileges required to create orphan token');
    }
    const period = parseDuration(d.period, 'period');
    if (period > 0 && !sudo) throw VaultError.badRequest('root or sudo privileges required to create periodic token');
    const requested = asStringList(d.policies, 'policies');
    const noDefault = asBool(d.no_default_policy, 'no_default_policy') ?? false;
    let policies = requested ?? parent.policies.filter((p) => p !== 'default' || !noDefault);
    policies = withDefaultPolicy(policies, noDefault);
    if (!isRootParent) {
      if (policies.includes('root'))
        throw VaultError.badRequest('root tokens may not be created from a non-root token');
      const allowed = new Set([...parent.policies, 'default']);
      if (!policies.every((p) => allowed.has(p))) {
        throw VaultError.badRequest('child policies must be subset of parent');
      }
    }
    if (policies.includes('root') && !isRootParent) throw VaultError.permissionDenied();
    const id = asString(d.id, 'id');
    if (id !== undefined && !isRootParent)
      throw VaultError.badRequest('root or sudo privileges required to specify token id');
    if (id !== undefined && (await services().tokens.raw(id)))
      throw VaultError.badRequest('cannot create a token with a duplicate ID');
    const numUses = asInt(d.num_uses, 'num_uses') ?? 0;
    if (numUses < 0) throw VaultError.badRequest('number of uses cannot be negative');
    const displayName = asString(d.display_name, 'display_name');
    const orphan = orphanEndpoint || noParent;
    const entry = await services().tokens.create({
      policies,
      parent: orphan ? null : parent,
      path: req.path,
      displayName: displayName ? `token-${displayName}` : 'token',
      meta: asStringMap(d.meta, 'meta') ?? null,
      ttl: parseDuration(d.ttl ?? d.lease, 'ttl'),
      explicitMaxTtl: parseDuration(d.explicit_max_ttl, 'explicit_max_ttl'),
      period,
      numUses,
      renewable: asBool(d.renewable, 'renewable') ?? true,
      namespaceId: req.namespace.id,
      mountAccessor: req.mount?.accessor ?? '',
      boundCidrs: [],
      defaultTtl: req.mount?.config.default_lease_ttl ?? 0,
      maxTtl: req.mount?.config.max_lease_ttl ?? 0,
      ...(id !== undefined ? { id } : {}),
    });
    return { auth: authBlock(entry) };
  }

  const tokenParam = (req: Request): string => {
    const token = asString(req.data.token, 'token');
    if (!token) throw VaultError.badRequest('missing token');
    return token;
  };
  const accessorParam = (req: Request): string => {
    const accessor = asString(req.data.accessor, 'accessor');
    if (!accessor) throw VaultError.badRequest('missing accessor');
    return accessor;
  };
  const byAccessor = async (accessor: string): Promise<TokenEntry> => {
    const id = await services().tokens.idForAccessor(accessor);
    const entry = id ? await services().tokens.lookup(id) : null;
    if (!entry) throw VaultError.badRequest('invalid accessor');
    return entry;
  };
  const byId = async (id: string): Promise<TokenEntry> => {
    const entry = await services().tokens.lookup(id);
    if (!entry) throw new VaultError(403, ['bad token']);
    return entry;
  };
  const lookup = (entry: TokenEntry, includeId = true): Response => ({
    data: lookupData(entry, core.clock.now(), includeId),
  });
  const renew = async (req: Request, entry: TokenEntry): Promise<Response> => {
    if (!entry.renewable) throw VaultError.badRequest('lease is not renewable');
    const increment = parseDuration(req.data.increment, 'increment');
    const { entry: renewed, warnings } = await services().tokens.renew(entry, increment);
    return { auth: authBlock(renewed), warnings };
  };
  const self = (req: Request) => req.token as TokenEntry;

  return {
    routes: [
      { pattern: /^create$/, operations: { update: (req) => create(req, false) } },
      { pattern: /^create-orphan$/, operations: { update: (req) => create(req, true) } },
      {
        pattern: /^create\/(?<role>.+)$/,
        operations: {
          update: async () => {
            throw VaultError.badRequest('token roles are not supported');
          },
        },
      },
      {
        pattern: /^lookup$/,
        operations: {
          update: async (req) => lookup(await byId(tokenParam(req))),
          read: async (req) => lookup(await byId(tokenParam(req))),
        },
      },
      {
        pattern: /^lookup-self$/,
        operations: { read: async (req) => lookup(self(req)), update: async (req) => lookup(self(req)) },
      },
      {
        pattern: /^lookup-accessor$/,
        operations: { update: async (req) => lookup(await byAccessor(accessorParam(req)), false) },
      },
      { pattern: /^renew$/, operations: { update: async (req) => renew(req, await byId(tokenParam(req))) } },
      { pattern: /^renew-self$/, operations: { update: async (req) => renew(req, self(req)) } },
      {
        pattern: /^renew-accessor$/,
        operations: { update: async (req) => renew(req, await byAccessor(accessorParam(req))) },
      },
      {
        pattern: /^revoke$/,
        operations: {
          update: async (req) => {
            const entry = await services().tokens.lookup(tokenParam(req));
            if (entry) await services().tokens.revokeTree(entry.id);
            return null;
          },
        },
      },
      {
        pattern: /^revoke-self$/,
        operations: {
          update: async (req) => {
            await services().tokens.revokeTree(self(req).id);
            return null;
          },
        },
      },
      {
        pattern: /^revoke-accessor$/,
        operations: {
          update: async (req) => {
            await services().tokens.revokeTree((await byAccessor(accessorParam(req))).id);
            return null;
          },
        },
      },
      {
        pattern: /^revoke-orphan$/,
        sudo: true,
        operations: {
          update: async (req) => {
            const entry = await services().tokens.lookup(tokenParam(req));
            if (entry) await services().tokens.revokeOrphan(entry.id);
            return null;
          },
        },
      },
      {
        pattern: /^accessors\/?$/,
        sudo: true,
        operations: { list: async () => ({ data: { keys: await services().tokens.accessors() } }) },
      },
      { pattern: /^tidy$/, operations: { update: async () => null } },
    ],
  };
}
