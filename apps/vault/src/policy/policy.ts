import { type HclObject, type HclValue, parseHcl } from './hcl.js';

export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface PathRule {
  path: string;
  capabilities: Capability[];
  requiredParameters: string[];
  allowedParameters: Record<string, unknown[]>;
  deniedParameters: Record<string, unknown[]>;
  minWrappingTtl?: number;
  maxWrappingTtl?: number;
}

export interface Policy {
  name: string;
  raw: string;
  rules: PathRule[];
}

export class PolicyParseError extends Error {}

const LEGACY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'patch', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo'],
};

const RULE_KEYS = new Set([
  'capabilities',
  'policy',
  'required_parameters',
  'allowed_parameters',
  'denied_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'control_group',
  'mfa_methods',
  'subscribe_event_types',
]);

/** Parses a policy document written in HCL or JSON. */
export function parsePolicy(name: string, raw: string): Policy {
  let doc: HclObject;
  try {
    doc = raw.trim().startsWith('{') ? (JSON.parse(raw) as HclObject) : parseHcl(raw);
  } catch (err) {
    throw new PolicyParseError(`failed to parse policy: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new PolicyParseError('policy must be an object');
  for (const key of Object.keys(doc)) {
    if (key !== 'path' && key !== 'name') throw new PolicyParseError(`invalid key "${key}" on line 1`);
  }
  const rules: PathRule[] = [];
  for (const [path, body] of pathEntries(doc.path)) rules.push(parseRule(path, body));
  return { name, raw, rules };
}

function pathEntries(value: HclValue | undefined): [string, HclObject][] {
  if (value === undefined || value === null) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: [string, HclObject][] = [];
  for (const item of objects) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new PolicyParseError('path must be a block');
    }
    for (const [path, body] of Object.entries(item)) {
      const blocks = Array.isArray(body) ? body : [body];
      for (const block of blocks) {
        if (typeof block !== 'object' || block === null || Array.isArray(block)) {
          throw new PolicyParseError(`path "${path}": rules must be a block`);
        }
        out.push([path, block]);
      }
    }
  }
  return out;
}

function parseRule(rawPath: string, body: HclObject): PathRule {
  const path = rawPath.replace(/^\/+/, '');
  if (path.includes('+*'))
    throw new PolicyParseError(`path "${rawPath}": invalid use of wildcards ('+*' is forbidden)`);
  for (const key of Object.keys(body)) {
    if (!RULE_KEYS.has(key)) throw new PolicyParseError(`path "${rawPath}": invalid key "${key}"`);
  }
  const caps = new Set<Capability>();
  if (body.policy !== undefined) {
    const legacy = typeof body.policy === 'string' ? LEGACY[body.policy.toLowerCase()] : undefined;
    if (!legacy) throw new PolicyParseError(`path "${rawPath}": invalid policy "${String(body.policy)}"`);
    for (const c of legacy) caps.add(c);
  }
  if (body.capabilities !== undefined) {
    if (!Array.isArray(body.capabilities)) throw new PolicyParseError(`path "${rawPath}": capabilities must be a list`);
    for (const c of body.capabilities) {
      const cap = typeof c === 'string' ? c.toLowerCase() : '';
      if (!(CAPABILITIES as readonly string[]).includes(cap)) {
        throw new PolicyParseError(`path "${rawPath}": invalid capability "${String(c)}"`);
      }
      caps.add(cap as Capability);
    }
  }
  const rule: PathRule = {
    path,
    capabilities: caps.has('deny') ? ['deny'] : [...caps],
    requiredParameters: stringList(body.required_parameters, rawPath),
    allowedParameters: parameterMap(body.allowed_parameters, rawPath),
    deniedParameters: parameterMap(body.denied_parameters, rawPath),
  };
  if (body.min_wrapping_ttl !== undefined) rule.minWrappingTtl = ttl(body.min_wrapping_ttl, rawPath);
  if (body.max_wrapping_ttl !== undefined) rule.maxWrappingTtl = ttl(body.max_wrapping_ttl, rawPath);
  return rule;
}

function stringList(value: HclValue | undefined, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new PolicyParseError(`path "${path}": expected a list of strings`);
  }
  return value as string[];
}

function parameterMap(value: HclValue | undefined, path: string): Record<string, unknown[]> {
  if (value === undefined) return {};
  const objects = Array.isArray(value) ? value : [value];
  const out: Record<string, unknown[]> = {};
  for (const obj of objects) {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new PolicyParseError(`path "${path}": parameters must be a map`);
    }
    for (const [k, v] of Object.entries(obj)) {
      out[k] = [...(out[k] ?? []), ...(Array.isArray(v) ? v : [v])];
    }
  }
  return out;
}

function ttl(value: HclValue, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^(\d+)(s|m|h)?$/.exec(value.trim());
    if (m) return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] ?? 's'] ?? 1);
  }
  throw new PolicyParseError(`path "${path}": invalid wrapping ttl`);
}
