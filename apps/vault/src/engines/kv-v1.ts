import type { StorageView } from '../barrier/barrier.js';
import type { Backend, MountContext, Request, Response } from '../core/types.js';
import { VaultError } from '../http/errors.js';
import { cleanKey, folder, listResponse } from './common.js';

const DEFAULT_LEASE = 768 * 3600;

/** Key/value routes over a storage view; shared by KV version 1 and cubbyhole. */
export function plainKvRoutes(storageFor: (req: Request) => StorageView, leaseFor: (req: Request) => number) {
  const key = (req: Request) => {
    const k = cleanKey(req.params.path ?? '');
    if (k === '' || k.endsWith('/')) throw VaultError.badRequest('missing path');
    return k;
  };
  return [
    {
      pattern: /^(?<path>.*)$/,
      existence: async (req: Request) => {
        const k = cleanKey(req.params.path ?? '');
        if (k === '' || k.endsWith('/')) return false;
        return (await storageFor(req).getJson(`data/${k}`)) !== null;
      },
      operations: {
        read: async (req: Request): Promise<Response> => {
          const data = await storageFor(req).getJson<Record<string, unknown>>(`data/${key(req)}`);
          if (!data) throw VaultError.notFound();
          let lease = leaseFor(req);
          if (data.ttl !== undefined) {
            const ttl = Number(data.ttl);
            if (Number.isFinite(ttl)) lease = ttl;
          }
          return { data, leaseDuration: lease };
        },
        update: async (req: Request): Promise<Response | null> => {
          if (Object.keys(req.data).length === 0) throw VaultError.badRequest('missing data fields');
          await storageFor(req).putJson(`data/${key(req)}`, req.data);
          return null;
        },
        delete: async (req: Request): Promise<Response | null> => {
          await storageFor(req).delete(`data/${key(req)}`);
          return null;
        },
        list: async (req: Request): Promise<Response> =>
          listResponse(await storageFor(req).list(`data/${folder(req.params.path ?? '')}`)),
      },
    },
  ];
}

export function kvV1Backend(ctx: MountContext): Backend {
  return {
    routes: plainKvRoutes(
      () => ctx.storage,
      () => ctx.entry.config.default_lease_ttl || DEFAULT_LEASE,
    ),
  };
}
