import { toRfc3339 } from '../core/clock.js';
import type { Core } from '../core/core.js';
import type { Request, Route, TokenEntry } from '../core/types.js';
import { asString } from '../core/values.js';
import { VaultError } from '../http/errors.js';
import { readWrapped, type WrappedResponse } from './wrapping-store.js';

/** sys/wrapping/wrap, unwrap, lookup and rewrap. */
export function wrappingRoutes(core: Core): Route[] {
  /** The wrapping token is either the `token` parameter or the client token itself. */
  async function take(req: Request): Promise<{ token: TokenEntry; wrapped: WrappedResponse }> {
    const param = asString(req.data.token, 'token');
    if (param) return readWrapped(core, param);
    const token = req.token;
    if (!token?.wrapping) throw VaultError.badRequest('wrapping token is not valid or does not exist');
    const raw = await core.barrier.get(`sys/wrapping/${core.services.tokens.hash(token.id)}`);
    if (!raw) throw VaultError.badRequest('wrapping token is not valid or does not exist');
    return { token, wrapped: JSON.parse(raw.toString()) as WrappedResponse };
  }

  return [
    {
      pattern: /^wrapping\/wrap$/,
      operations: {
        update: async (req) => {
          if (!req.wrapTtl) throw VaultError.badRequest('must provide a wrap TTL (X-Vault-Wrap-TTL header)');
          if (Object.keys(req.data).length === 0) throw VaultError.badRequest('empty request body');
          return { data: req.data };
        },
      },
    },
    {
      pattern: /^wrapping\/unwrap$/,
      operations: {
        update: async (req) => {
          const { token, wrapped } = await take(req);
          await core.services.tokens.revokeTree(token.id);
          return { raw: { ...wrapped.body, request_id: req.id } };
        },
      },
    },
    {
      pattern: /^wrapping\/lookup$/,
      unauthenticated: true,
      operations: {
        update: async (req) => {
          const id = asString(req.data.token, 'token') ?? req.clientToken;
          if (!id) throw VaultError.badRequest('missing "token" parameter');
          const { wrapped } = await readWrapped(core, id);
          return {
            data: {
              creation_path: wrapped.creationPath,
              creation_time: toRfc3339(wrapped.creationTime),
              creation_ttl: wrapped.ttl,
            },
          };
        },
      },
    },
    {
      pattern: /^wrapping\/rewrap$/,
      operations: {
        update: async (req) => {
          const { token, wrapped } = await take(req);
          await core.services.tokens.revokeTree(token.id);
          const body = wrapped.body;
          return {
            data: (body.data as Record<string, unknown> | null) ?? {},
            ...(body.auth ? { auth: body.auth as Record<string, unknown> } : {}),
            forceWrapTtl: wrapped.ttl,
          };
        },
      },
    },
  ];
}
