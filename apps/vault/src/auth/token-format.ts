import { toRfc3339, unixSeconds } from '../core/clock.js';
import type { TokenEntry } from '../core/types.js';

/** The `auth` block of a response that issued a token. */
export function authBlock(entry: TokenEntry): Record<string, unknown> {
  return {
    client_token: entry.id,
    accessor: entry.accessor,
    policies: entry.policies,
    token_policies: entry.policies,
    identity_policies: null,
    metadata: entry.meta,
    lease_duration: entry.ttl,
    renewable: entry.renewable,
    entity_id: '',
    token_type: 'service',
    orphan: entry.orphan,
    mfa_requirement: null,
    num_uses: Math.max(entry.numUses, 0),
  };
}

/** The data returned by token lookups. */
export function lookupData(entry: TokenEntry, now: number, includeId = true): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: unixSeconds(entry.creationTime),
    creation_ttl: entry.creationTtl,
    display_name: entry.displayName,
    entity_id: '',
    expire_time: entry.expireTime ? toRfc3339(entry.expireTime) : null,
    explicit_max_ttl: entry.explicitMaxTtl,
    id: includeId ? entry.id : '',
    issue_time: toRfc3339(entry.creationTime),
    meta: entry.meta,
    num_uses: Math.max(entry.numUses, 0),
    orphan: entry.orphan,
    path: entry.path,
    policies: entry.policies,
    renewable: entry.renewable,
    ttl: entry.expireTime ? Math.max(0, Math.floor((entry.expireTime - now) / 1000)) : 0,
    type: 'service',
    namespace_path: undefined,
  };
  if (entry.period) data.period = entry.period;
  if (entry.lastRenewal) data.last_renewal_time = unixSeconds(entry.lastRenewal);
  if (entry.boundCidrs.length) data.bound_cidrs = entry.boundCidrs;
  delete data.namespace_path;
  return data;
}
