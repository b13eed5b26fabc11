import { StorageView } from '../barrier/barrier.js';
import type { Core } from '../core/core.js';
import type { Backend, Request } from '../core/types.js';
import { VaultError } from '../http/errors.js';
import { plainKvRoutes } from './kv-v1.js';

/** Per-token private storage; destroyed with the token. */
export function cubbyholeBackend(core: Core): Backend {
  const storageFor = (req: Request) => {
    if (!req.token) throw VaultError.badRequest('client token empty');
    return new StorageView(core.barrier, `cubbyhole/${core.services.tokens.hash(req.token.id)}/`);
  };
  return { routes: plainKvRoutes(storageFor, () => 0) };
}
