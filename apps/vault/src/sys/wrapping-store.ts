import { toRfc3339 } from '../core/clock.js';
import type { Core } from '../core/core.js';
import type { Request, TokenEntry } from '../core/types.js';
import type { WrapInfo } from '../http/envelope.js';
import { VaultError } from '../http/errors.js';

export interface WrappedResponse {
  body: Record<string, unknown>;
  creationPath: string;
  creationTime: number;
  ttl: number;
}

/** Stores a response behind a new single-use wrapping token and returns the wrap_info block. */
export async function wrapResponse(
  core: Core,
  req: Request,
  body: Record<string, unknown>,
  ttl: number,
  wrappedAccessor?: string,
): Promise<WrapInfo> {
  const { tokens } = core.services;
  const token = await tokens.create({
    policies: ['response-wrapping'],
    parent: null,
    path: 'sys/wrapping/wrap',
    displayName: 'response-wrapping',
    ttl,
    explicitMaxTtl: ttl,
    numUses: 1,
    renewable: false,
    namespaceId: req.namespace.id,
    wrapping: true,
  });
  const now = core.clock.now();
  const stored: WrappedResponse = { body, creationPath: req.path, creationTime: now, ttl };
  await core.barrier.put(`sys/wrapping/${tokens.hash(token.id)}`, Buffer.from(JSON.stringify(stored)));
  const info: WrapInfo = {
    token: token.id,
    accessor: token.accessor,
    ttl,
    creation_time: toRfc3339(now),
    creation_path: req.path,
  };
  if (wrappedAccessor) info.wrapped_accessor = wrappedAccessor;
  return info;
}

/** Finds a live wrapping token and its stored response. */
export async function readWrapped(
  core: Core,
  tokenId: string,
): Promise<{ token: TokenEntry; wrapped: WrappedResponse }> {
  const { tokens } = core.services;
  const token = await tokens.lookup(tokenId);
  if (!token?.wrapping) throw VaultError.badRequest('wrapping token is not valid or does not exist');
  const raw = await core.barrier.get(`sys/wrapping/${tokens.hash(token.id)}`);
  if (!raw) throw VaultError.badRequest('wrapping token is not valid or does not exist');
  return { token, wrapped: JSON.parse(raw.toString()) as WrappedResponse };
}
