import type { Core } from '../core/core.js';
import type { Namespace, Request, Route } from '../core/types.js';
import { asObject, asStringMap } from '../core/values.js';
import { VaultError } from '../http/errors.js';

function view(ns: Namespace): Record<string, unknown> {
  return { id: ns.id, path: ns.path, custom_metadata: ns.customMetadata };
}

/** sys/namespaces: child namespaces of the request's namespace. */
export function namespaceRoutes(core: Core): Route[] {
  const store = () => core.services.namespaces;
  const child = (req: Request): Namespace | undefined =>
    store().byFullPath(`${req.namespace.path}${(req.params.path ?? '').replace(/^\/+|\/+$/g, '')}`);

  return [
    {
      pattern: /^namespaces\/?$/,
      operations: {
        list: async (req) => {
          const children = store().children(req.namespace);
          if (children.length === 0) throw VaultError.notFound();
          const keys = children.map((ns) => ns.path.slice(req.namespace.path.length)).sort();
          const keyInfo: Record<string, unknown> = {};
          for (const ns of children) keyInfo[ns.path.slice(req.namespace.path.length)] = view(ns);
          return { data: { keys, key_info: keyInfo } };
        },
      },
    },
    {
      pattern: /^namespaces\/(?<path>.+)$/,
      existence: async (req) => child(req) !== undefined,
      operations: {
        read: async (req) => {
          const ns = child(req);
          if (!ns) throw VaultError.notFound();
          return { data: view(ns) };
        },
        create: async (req) => {
          const metadata = asStringMap(req.data.custom_metadata, 'custom_metadata') ?? {};
          const ns = await store().create(req.namespace, req.params.path ?? '', metadata);
          await core.setupNamespace(ns);
          return { data: view(ns) };
        },
        update: async (req) => {
          const ns = child(req) as Namespace;
          return { data: view(ns) };
        },
        patch: async (req) => {
          const ns = child(req);
          if (!ns) throw VaultError.notFound();
          const patch = asObject(req.data.custom_metadata, 'custom_metadata') ?? {};
          const next = { ...ns.customMetadata };
          for (const [k, v] of Object.entries(patch)) {
            if (v === null) delete next[k];
            else if (typeof v === 'string') next[k] = v;
            else throw VaultError.badRequest('custom_metadata values must be strings');
          }
          ns.customMetadata = next;
          await store().update(ns);
          return { data: view(ns) };
        },
        delete: async (req) => {
          const ns = child(req);
          if (!ns) return null;
          await store().delete(ns);
          const { mounts, policies } = core.services;
          for (const kind of ['secret', 'auth'] as const) {
            for (const entry of mounts.list(ns.id, kind)) await mounts.storageFor(entry, kind).clear();
          }
          mounts.unload(ns.id);
          policies.forget(ns.id);
          await core.namespaceView(ns.id).clear();
          return null;
        },
      },
    },
  ];
}
