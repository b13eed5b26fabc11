import type { Core } from '../core/core.js';
import type { Request, Route } from '../core/types.js';
import { VaultError } from '../http/errors.js';
import { parsePolicy } from '../policy/policy.js';
import { PolicyStore } from '../policy/store.js';

function policyText(req: Request): string {
  const raw = req.data.policy ?? req.data.rules;
  if (typeof raw !== 'string' || raw.trim() === '')
    throw VaultError.badRequest("'policy' parameter not supplied or empty");
  // Vault also accepts the policy base64-encoded.
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(raw.trim()) && raw.trim().length % 4 === 0) {
    const decoded = Buffer.from(raw.trim(), 'base64').toString('utf8');
    try {
      parsePolicy('probe', decoded);
      return decoded;
    } catch {
      // not base64 after all
    }
  }
  return raw;
}

/** sys/policy (legacy) and sys/policies/acl. */
export function policyRoutes(core: Core): Route[] {
  const store = () => core.services.policies;
  const nameOf = (req: Request) => PolicyStore.normalise(req.params.name ?? '');

  const list = async (req: Request, legacy: boolean) => {
    const keys = await store().list(req.namespace.id);
    return legacy ? { data: { keys, policies: keys }, topLevel: true } : { data: { keys } };
  };
  const read = async (req: Request, legacy: boolean) => {
    const policy = await store().get(req.namespace.id, nameOf(req));
    if (!policy || nameOf(req) === 'response-wrapping') throw VaultError.notFound();
    return legacy
      ? { data: { name: policy.name, rules: policy.raw }, topLevel: true }
      : { data: { name: policy.name, policy: policy.raw } };
  };
  const write = async (req: Request) => {
    await store().put(req.namespace.id, nameOf(req), policyText(req));
    return null;
  };
  const remove = async (req: Request) => {
    await store().delete(req.namespace.id, nameOf(req));
    return null;
  };

  return [
    {
      pattern: /^policy\/?$/,
      operations: { read: (req) => list(req, true), list: (req) => list(req, true) },
    },
    {
      pattern: /^policy\/(?<name>[^/]+)$/,
      operations: { read: (req) => read(req, true), update: write, delete: remove },
    },
    {
      pattern: /^policies\/acl\/?$/,
      operations: { list: (req) => list(req, false), read: (req) => list(req, false) },
    },
    {
      pattern: /^policies\/acl\/(?<name>[^/]+)$/,
      operations: { read: (req) => read(req, false), update: write, delete: remove },
    },
  ];
}
