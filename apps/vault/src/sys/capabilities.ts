import type { Core } from '../core/core.js';
import type { Request, Response, Route, TokenEntry } from '../core/types.js';
import { asString, asStringList } from '../core/values.js';
import { VaultError } from '../http/errors.js';

/** sys/capabilities, sys/capabilities-self and sys/capabilities-accessor. */
export function capabilityRoutes(core: Core): Route[] {
  const compute = async (req: Request, token: TokenEntry): Promise<Response> => {
    const paths = asStringList(req.data.paths ?? req.data.path, 'paths') ?? [];
    if (paths.length === 0) throw VaultError.badRequest('missing paths');
    const tokenNs = core.services.namespaces.get(token.namespaceId);
    if (!tokenNs) throw VaultError.permissionDenied();
    const prefix = req.namespace.path.startsWith(tokenNs.path) ? req.namespace.path.slice(tokenNs.path.length) : null;
    const acl = await core.services.policies.acl(token.namespaceId, token.policies);
    const data: Record<string, unknown> = {};
    for (const path of paths) {
      data[path] = prefix === null ? ['deny'] : acl.capabilities(prefix + path.replace(/^\/+/, ''));
    }
    if (paths.length === 1) data.capabilities = data[paths[0] as string];
    return { data, topLevel: true };
  };
  const tokenFrom = async (id: string | undefined) => {
    const entry = id ? await core.services.tokens.lookup(id) : null;
    if (!entry) throw VaultError.badRequest('invalid token');
    return entry;
  };
  return [
    {
      pattern: /^capabilities-self$/,
      operations: { update: (req) => compute(req, req.token as TokenEntry) },
    },
    {
      pattern: /^capabilities$/,
      operations: { update: async (req) => compute(req, await tokenFrom(asString(req.data.token, 'token'))) },
    },
    {
      pattern: /^capabilities-accessor$/,
      operations: {
        update: async (req) => {
          const accessor = asString(req.data.accessor, 'accessor');
          const id = accessor ? await core.services.tokens.idForAccessor(accessor) : null;
          if (!id) throw VaultError.badRequest('invalid accessor');
          return compute(req, await tokenFrom(id));
        },
      },
    },
  ];
}
