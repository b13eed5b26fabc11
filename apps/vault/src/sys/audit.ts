import type { AuditDeviceConfig } from '../audit/broker.js';
import type { Core } from '../core/core.js';
import { normalisePath } from '../core/mounts.js';
import type { Request, Route } from '../core/types.js';
import { asBool, asString, asStringMap } from '../core/values.js';
import { VaultError } from '../http/errors.js';

/** sys/audit and sys/audit-hash. Audit devices are global and managed from the root namespace. */
export function auditRoutes(core: Core): Route[] {
  const broker = () => core.services.audit;
  const rootOnly = (req: Request) => {
    if (req.namespace.id !== 'root')
      throw VaultError.badRequest('audit devices can only be managed in the root namespace');
  };
  return [
    {
      pattern: /^audit\/?$/,
      sudo: true,
      operations: {
        read: async (req) => {
          rootOnly(req);
          const data: Record<string, unknown> = {};
          for (const d of broker().list()) {
            data[d.path] = {
              type: d.type,
              description: d.description,
              options: d.options,
              local: d.local,
              path: d.path,
            };
          }
          return { data, topLevel: true };
        },
      },
    },
    {
      pattern: /^audit\/(?<path>.+)$/,
      sudo: true,
      operations: {
        update: async (req) => {
          rootOnly(req);
          const type = asString(req.data.type, 'type');
          if (type !== 'file')
            throw VaultError.badRequest(`unknown backend type: "${type ?? ''}"; only "file" is supported`);
          const options = asStringMap(req.data.options, 'options') ?? {};
          const config: AuditDeviceConfig = {
            path: normalisePath(req.params.path ?? ''),
            type: 'file',
            description: asString(req.data.description, 'description') ?? '',
            options,
            local: asBool(req.data.local, 'local') ?? false,
          };
          await broker().enable(config);
          return null;
        },
        delete: async (req) => {
          rootOnly(req);
          await broker().disable(normalisePath(req.params.path ?? ''));
          return null;
        },
      },
    },
    {
      pattern: /^audit-hash\/(?<path>.+)$/,
      operations: {
        update: async (req) => {
          rootOnly(req);
          const input = asString(req.data.input, 'input');
          if (input === undefined) throw VaultError.badRequest('input is required');
          return { data: { hash: broker().hash(normalisePath(req.params.path ?? ''), input) } };
        },
      },
    },
  ];
}
