import { createHash, randomBytes } from 'node:crypto';
import { toRfc3339 } from '../core/clock.js';
import type { Core } from '../core/core.js';
import type { Route } from '../core/types.js';
import { asInt, asString } from '../core/values.js';
import { VaultError } from '../http/errors.js';

const HASHES: Record<string, string> = {
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
};

/** sys/seal, sys/rotate, sys/key-status and sys/tools. */
export function miscRoutes(core: Core): Route[] {
  const rootOnly = (id: string) => {
    if (id !== 'root') throw VaultError.badRequest('this endpoint is only available in the root namespace');
  };
  return [
    {
      pattern: /^seal$/,
      sudo: true,
      operations: {
        update: async (req) => {
          rootOnly(req.namespace.id);
          return { after: () => core.seal() };
        },
      },
    },
    {
      pattern: /^rotate$/,
      sudo: true,
      operations: {
        update: async (req) => {
          rootOnly(req.namespace.id);
          await core.rotate();
          return null;
        },
      },
    },
    {
      pattern: /^key-status$/,
      operations: {
        read: async (req) => {
          rootOnly(req.namespace.id);
          const status = core.barrier.keyStatus();
          return {
            data: { term: status.term, install_time: toRfc3339(status.installTime), encryptions: status.encryptions },
            topLevel: true,
          };
        },
      },
    },
    {
      pattern: /^tools\/random(?:\/(?<bytes>\d+))?$/,
      operations: {
        update: async (req) => {
          const bytes = asInt(req.params.bytes ?? req.data.bytes, 'bytes') ?? 32;
          if (bytes < 1 || bytes > 128 * 1024) throw VaultError.badRequest('bytes must be between 1 and 131072');
          const format = asString(req.data.format, 'format') ?? 'base64';
          if (format !== 'base64' && format !== 'hex') throw VaultError.badRequest('unsupported encoding format');
          return { data: { random_bytes: randomBytes(bytes).toString(format) } };
        },
      },
    },
    {
      pattern: /^tools\/hash(?:\/(?<algorithm>[^/]+))?$/,
      operations: {
        update: async (req) => {
          const algorithm = req.params.algorithm ?? asString(req.data.algorithm, 'algorithm') ?? 'sha2-256';
          const node = HASHES[algorithm];
          if (!node) throw VaultError.badRequest(`unsupported algorithm ${algorithm}`);
          const input = asString(req.data.input, 'input');
          if (input === undefined) throw VaultError.badRequest('missing input');
          const format = asString(req.data.format, 'format') ?? 'hex';
          if (format !== 'base64' && format !== 'hex') throw VaultError.badRequest('unsupported encoding format');
          const sum = createHash(node).update(Buffer.from(input, 'base64')).digest(format);
          return { data: { sum } };
        },
      },
    },
  ];
}
