import type { Capability, PathRule, Policy } from './policy.js';

export type Operation = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list';

interface Permissions {
  capabilities: Set<Capability>;
  requiredParameters: Set<string>;
  allowedParameters: Record<string, unknown[]>;
  deniedParameters: Record<string, unknown[]>;
  minWrappingTtl: number;
  maxWrappingTtl: number;
}

interface Candidate {
  firstWildcard: number;
  isPrefix: boolean;
  wildcards: number;
  path: string;
  perms: Permissions;
}

export interface AclResult {
  allowed: boolean;
  sudo: boolean;
  /** True when the request was allowed by a matching rule but rejected because of its parameters. */
  parameterDenied?: boolean;
  /** Response-wrapping bounds from the matching rule (0 when unset). */
  minWrappingTtl?: number;
  maxWrappingTtl?: number;
}

/**
 * An access control list built from a token's policies, evaluated the way Vault does:
 * an exact path wins; otherwise the longest `*` prefix rule and every matching `+` segment rule compete
 * by Vault's priority rules. Rules for the same path across policies are merged, and `deny` on a merged
 * rule removes every other capability.
 */
export class Acl {
  readonly root: boolean;
  private readonly exact = new Map<string, Permissions>();
  private readonly prefix = new Map<string, Permissions>();
  private readonly segment = new Map<string, Permissions>();

  constructor(policies: Policy[], root = false) {
    this.root = root || policies.some((p) => p.name === 'root');
    for (const policy of policies) {
      for (const rule of policy.rules) this.add(rule);
    }
  }

  private add(rule: PathRule): void {
    const hasSegmentWildcard = rule.path === '+' || rule.path.startsWith('+/') || rule.path.includes('/+');
    let table: Map<string, Permissions>;
    let key = rule.path;
    if (hasSegmentWildcard) {
      table = this.segment;
    } else if (rule.path.endsWith('*')) {
      table = this.prefix;
      key = rule.path.slice(0, -1);
    } else {
      table = this.exact;
    }
    const existing = table.get(key);
    const incoming: Permissions = {
      capabilities: new Set(rule.capabilities),
      requiredParameters: new Set(rule.requiredParameters),
      allowedParameters: rule.allowedParameters,
      deniedParameters: rule.deniedParameters,
      minWrappingTtl: rule.minWrappingTtl ?? 0,
      maxWrappingTtl: rule.maxWrappingTtl ?? 0,
    };
    if (!existing) {
      table.set(key, incoming);
      return;
    }
    if (existing.capabilities.has('deny') || incoming.capabilities.has('deny')) {
      existing.capabilities = new Set(['deny']);
    } else {
      for (const c of incoming.capabilities) existing.capabilities.add(c);
    }
    for (const p of incoming.requiredParameters) existing.requiredParameters.add(p);
    existing.allowedParameters = mergeParams(existing.allowedParameters, incoming.allowedParameters);
    existing.deniedParameters = mergeParams(existing.deniedParameters, incoming.deniedParameters);
    // As in Vault: the lowest minimum and the highest maximum win.
    if (
      incoming.minWrappingTtl > 0 &&
      (existing.minWrappingTtl === 0 || incoming.minWrappingTtl < existing.minWrappingTtl)
    ) {
      existing.minWrappingTtl = incoming.minWrappingTtl;
    }
    if (incoming.maxWrappingTtl > existing.maxWrappingTtl) existing.maxWrappingTtl = incoming.maxWrappingTtl;
  }

  /** The permissions of the rule that governs a path, or undefined when nothing matches. */
  private match(path: string, op?: Operation): Permissions | undefined {
    const exact = this.exact.get(path);
    if (exact) return exact;
    if (op === 'list' && path.endsWith('/')) {
      const trimmed = this.exact.get(path.slice(0, -1));
      if (trimmed) return trimmed;
    }
    const candidates: Candidate[] = [];
    let best: string | undefined;
    for (const key of this.prefix.keys()) {
      if (path.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
    }
    if (best !== undefined) {
      candidates.push({
        firstWildcard: best.length,
        isPrefix: true,
        wildcards: 0,
        path: best,
        perms: this.prefix.get(best) as Permissions,
      });
    }
    if (this.segment.size > 0) {
      const parts = path.split('/');
      for (const [full, perms] of this.segment) {
        const candidate = matchSegments(full, parts);
        if (candidate) candidates.push({ ...candidate, perms });
      }
    }
    if (candidates.length === 0) return undefined;
    candidates.sort(comparePriority);
    return candidates[candidates.length - 1]?.perms;
  }

  /** Capabilities granted on a path, as sys/capabilities reports them. */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const perms = this.match(path);
    if (!perms || perms.capabilities.size === 0) return ['deny'];
    return [...perms.capabilities].sort();
  }

  allowed(path: string, op: Operation, data?: Record<string, unknown>): AclResult {
    if (this.root) return { allowed: true, sudo: true };
    const perms = this.match(path, op);
    if (!perms || perms.capabilities.has('deny')) return { allowed: false, sudo: false };
    const sudo = perms.capabilities.has('sudo');
    if (!perms.capabilities.has(op)) return { allowed: false, sudo };
    if ((op === 'create' || op === 'update' || op === 'patch') && !parametersAllowed(perms, data ?? {})) {
      return { allowed: false, sudo, parameterDenied: true };
    }
    return { allowed: true, sudo, minWrappingTtl: perms.minWrappingTtl, maxWrappingTtl: perms.maxWrappingTtl };
  }
}

function matchSegments(full: string, parts: string[]): Omit<Candidate, 'perms'> | undefined {
  let current = full;
  const isPrefix = current.endsWith('*');
  if (isPrefix) current = current.slice(0, -1);
  const segments = current.split('/');
  if (parts.length < segments.length) return undefined;
  if (!isPrefix && parts.length !== segments.length) return undefined;
  let wildcards = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (segment === '+') {
      wildcards++;
    } else if (i === segments.length - 1 && isPrefix) {
      if (!part.startsWith(segment)) return undefined;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return { firstWildcard: full.indexOf('+'), isPrefix, wildcards, path: current };
}

/** Vault's priority order, lowest first. */
function comparePriority(a: Candidate, b: Candidate): number {
  // The earlier the first wildcard or glob, the lower the priority.
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard - b.firstWildcard;
  // Ending in * is lower priority than not.
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  // More + segments is lower priority.
  if (a.wildcards !== b.wildcards) return b.wildcards - a.wildcards;
  // Shorter is lower priority.
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  // Lexicographically smaller is lower priority.
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function mergeParams(a: Record<string, unknown[]>, b: Record<string, unknown[]>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prior = out[k];
    // An empty list means "any value"; merging with it stays "any value".
    out[k] = prior === undefined ? v : prior.length === 0 || v.length === 0 ? [] : [...prior, ...v];
  }
  return out;
}

function valueMatches(list: unknown[], value: unknown): boolean {
  if (list.length === 0) return true;
  const values = Array.isArray(value) ? value : [value];
  return values.every((v) => list.some((allowed) => allowed === '*' || JSON.stringify(allowed) === JSON.stringify(v)));
}

function parametersAllowed(perms: Permissions, data: Record<string, unknown>): boolean {
  for (const required of perms.requiredParameters) if (!(required in data)) return false;
  const denied = perms.deniedParameters;
  const allowed = perms.allowedParameters;
  if ('*' in denied && (denied['*'] ?? []).length === 0 && Object.keys(data).length > 0) return false;
  for (const [key, value] of Object.entries(data)) {
    const deniedValues = denied[key];
    if (deniedValues !== undefined && (deniedValues.length === 0 || valueMatchesAny(deniedValues, value))) return false;
    if (Object.keys(allowed).length > 0) {
      const allowedValues = allowed[key] ?? allowed['*'];
      if (allowedValues === undefined || !valueMatches(allowedValues, value)) return false;
    }
  }
  return true;
}

function valueMatchesAny(list: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => list.some((d) => d === '*' || JSON.stringify(d) === JSON.stringify(v)));
}
