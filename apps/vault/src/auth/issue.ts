import type { Core } from '../core/core.js';
import type { AuthInfo, Request, TokenEntry } from '../core/types.js';
import { PolicyStore } from '../policy/store.js';

export function withDefaultPolicy(policies: string[], noDefault = false): string[] {
  const out = new Set(policies.map(PolicyStore.normalise).filter((p) => p.length > 0));
  if (!noDefault && !out.has('root')) out.add('default');
  return [...out].sort();
}

/** Creates the token for a successful login against an auth method. */
export async function issueLoginToken(core: Core, req: Request, info: AuthInfo): Promise<TokenEntry> {
  const mount = req.mount;
  const mountType = mount?.type ?? 'token';
  return core.services.tokens.create({
    policies: withDefaultPolicy(info.policies, info.noDefaultPolicy),
    parent: null,
    path: req.path,
    displayName: info.displayName ? `${mountType}-${info.displayName}` : mountType,
    meta: info.metadata ?? null,
    ttl: info.ttl ?? 0,
    explicitMaxTtl: info.explicitMaxTtl ?? 0,
    period: info.period ?? 0,
    numUses: info.numUses ?? 0,
    renewable: info.renewable ?? true,
    namespaceId: req.namespace.id,
    mountAccessor: mount?.accessor ?? '',
    boundCidrs: info.boundCidrs ?? [],
    defaultTtl: mount?.config.default_lease_ttl ?? 0,
    maxTtl: info.maxTtl || mount?.config.max_lease_ttl || 0,
  });
}
