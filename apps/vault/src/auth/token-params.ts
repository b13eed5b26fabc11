import { parseDuration } from '../core/durations.js';
import type { AuthInfo } from '../core/types.js';
import { asBool, asInt, asString, asStringList } from '../core/values.js';
import { VaultError } from '../http/errors.js';
import { validateCidrs } from './cidr.js';

/** The common token_* fields of a role or user, as Vault's tokenutil stores them. */
export interface TokenParams {
  token_policies: string[];
  token_ttl: number;
  token_max_ttl: number;
  token_explicit_max_ttl: number;
  token_num_uses: number;
  token_period: number;
  token_bound_cidrs: string[];
  token_no_default_policy: boolean;
  token_type: string;
}

export const DEFAULT_TOKEN_PARAMS: TokenParams = {
  token_policies: [],
  token_ttl: 0,
  token_max_ttl: 0,
  token_explicit_max_ttl: 0,
  token_num_uses: 0,
  token_period: 0,
  token_bound_cidrs: [],
  token_no_default_policy: false,
  token_type: 'default',
};

/** Applies token_* fields from a request onto existing values ("policies" is accepted as the legacy name). */
export function parseTokenParams(data: Record<string, unknown>, base: TokenParams): TokenParams {
  const out = { ...base };
  const policies = asStringList(data.token_policies ?? data.policies, 'token_policies');
  if (policies) out.token_policies = policies.map((p) => p.toLowerCase());
  if (data.token_ttl !== undefined || data.ttl !== undefined)
    out.token_ttl = parseDuration(data.token_ttl ?? data.ttl, 'token_ttl');
  if (data.token_max_ttl !== undefined || data.max_ttl !== undefined) {
    out.token_max_ttl = parseDuration(data.token_max_ttl ?? data.max_ttl, 'token_max_ttl');
  }
  if (data.token_explicit_max_ttl !== undefined) {
    out.token_explicit_max_ttl = parseDuration(data.token_explicit_max_ttl, 'token_explicit_max_ttl');
  }
  const uses = asInt(data.token_num_uses, 'token_num_uses');
  if (uses !== undefined) {
    if (uses < 0) throw VaultError.badRequest('token_num_uses cannot be negative');
    out.token_num_uses = uses;
  }
  if (data.token_period !== undefined || data.period !== undefined) {
    out.token_period = parseDuration(data.token_period ?? data.period, 'token_period');
  }
  const cidrs = asStringList(data.token_bound_cidrs ?? data.bound_cidrs, 'token_bound_cidrs');
  if (cidrs) {
    const bad = validateCidrs(cidrs);
    if (bad) throw VaultError.badRequest(`invalid CIDR block "${bad}" in token_bound_cidrs`);
    out.token_bound_cidrs = cidrs;
  }
  const noDefault = asBool(data.token_no_default_policy, 'token_no_default_policy');
  if (noDefault !== undefined) out.token_no_default_policy = noDefault;
  const type = asString(data.token_type, 'token_type');
  if (type !== undefined) {
    if (!['default', 'service', 'default-service'].includes(type)) {
      throw VaultError.badRequest(`token_type "${type}" is not supported; only service tokens are issued`);
    }
    out.token_type = type;
  }
  if (out.token_max_ttl > 0 && out.token_ttl > out.token_max_ttl) {
    throw VaultError.badRequest('token_ttl cannot be greater than token_max_ttl');
  }
  return out;
}

export function tokenParamsView(p: TokenParams): Record<string, unknown> {
  return { ...p, policies: p.token_policies };
}

export function authInfoFrom(p: TokenParams, displayName: string, metadata: Record<string, string>): AuthInfo {
  return {
    policies: p.token_policies,
    displayName,
    metadata,
    ttl: p.token_ttl,
    maxTtl: p.token_max_ttl,
    explicitMaxTtl: p.token_explicit_max_ttl,
    period: p.token_period,
    numUses: p.token_num_uses,
    boundCidrs: p.token_bound_cidrs,
    noDefaultPolicy: p.token_no_default_policy,
  };
}
