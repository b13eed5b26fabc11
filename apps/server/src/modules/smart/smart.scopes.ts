/**
 * SMART App Launch scopes (v1 and v2): parsing, and deciding which requested scopes an app gets.
 *
 *   patient/Observation.rs   user/*.cruds   system/*.read   patient/Observation.rs?category=laboratory
 *
 * v1 permissions are read as their v2 equivalents (read = rs, write = cud, * = cruds), so a v1 scope and
 * a v2 scope compare alike.
 */

export type ScopeContext = 'patient' | 'user' | 'system';

export interface ResourceScope {
  context: ScopeContext;
  resourceType: string;
  /** v2 permission letters in canonical order, e.g. 'rs'. */
  permissions: string;
  /** v2 query restriction (`?category=...`), verbatim. */
  query?: string;
}

/** Scopes that are not about resources: identity and launch context. */
export const LAUNCH_SCOPES = [
  'openid',
  'fhirUser',
  'profile',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
] as const;

const V1: Record<string, string> = { read: 'rs', write: 'cud', '*': 'cruds' };
const ORDER = 'cruds';
const SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.([a-z*]+)(\?[^\s]+)?$/;

export function parseResourceScope(scope: string): ResourceScope | undefined {
  const match = SCOPE.exec(scope);
  if (!match) return undefined;
  const [, context, resourceType, rawPermissions, query] = match;
  let permissions = V1[rawPermissions!];
  if (!permissions) {
    // v2: a non-empty run of c, r, u, d, s in that order, each at most once.
    let at = -1;
    for (const letter of rawPermissions!) {
      const index = ORDER.indexOf(letter, at + 1);
      if (index < 0) return undefined;
      at = index;
    }
    permissions = rawPermissions!;
  } else if (query) {
    return undefined; // v1 scopes take no query
  }
  return {
    context: context as ScopeContext,
    resourceType: resourceType!,
    permissions,
    ...(query ? { query: query.slice(1) } : {}),
  };
}

export function isResourceScope(scope: string): boolean {
  return parseResourceScope(scope) !== undefined;
}

/** True when `allowed` grants at least everything `requested` asks for. */
export function covers(allowed: ResourceScope, requested: ResourceScope): boolean {
  if (allowed.context !== requested.context) return false;
  if (allowed.resourceType !== '*' && allowed.resourceType !== requested.resourceType) return false;
  if (allowed.query && allowed.query !== requested.query) return false;
  return [...requested.permissions].every((letter) => allowed.permissions.includes(letter));
}

export interface ScopeDecision {
  granted: string[];
  dropped: string[];
}

/**
 * Which of the requested scopes an app may have: resource scopes covered by one of the client's allowed
 * scopes and fitting the grant (`system/` only for backend services, `patient/` and `user/` only for a
 * signed-in user); launch and identity scopes when the client is allowed them. Unknown scopes are dropped.
 */
export function decideScopes(
  requested: readonly string[],
  allowed: readonly string[],
  grant: 'user' | 'backend',
): ScopeDecision {
  const allowedResource = allowed.map(parseResourceScope).filter((scope) => scope !== undefined);
  const allowedOther = new Set(allowed.filter((scope) => !isResourceScope(scope)));
  const granted: string[] = [];
  const dropped: string[] = [];
  for (const scope of new Set(requested)) {
    const parsed = parseResourceScope(scope);
    let ok: boolean;
    if (parsed) {
      const fits = grant === 'backend' ? parsed.context === 'system' : parsed.context !== 'system';
      ok = fits && allowedResource.some((candidate) => covers(candidate, parsed));
    } else {
      ok = grant === 'user' && (LAUNCH_SCOPES as readonly string[]).includes(scope) && allowedOther.has(scope);
    }
    (ok ? granted : dropped).push(scope);
  }
  return { granted, dropped };
}

/** The scope string's words, without empties or repeats. */
export function splitScopes(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

/** Scopes a newly registered app may ask for when its registration names none. */
export const DEFAULT_APP_SCOPES = [
  'openid',
  'fhirUser',
  'launch',
  'launch/patient',
  'launch/encounter',
  'offline_access',
  'online_access',
  'patient/*.cruds',
  'user/*.cruds',
];
export const DEFAULT_BACKEND_SCOPES = ['system/*.cruds'];
