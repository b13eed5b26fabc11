/**
 * SMART on FHIR scopes, v1 (`patient/Observation.read`, `user/*.*`) and v2 (`patient/Observation.rs`,
 * `user/*.cruds`). A scope grants interactions on a type in a context: `patient/` only within the launch
 * patient's compartment, `user/` and `system/` as far as the caller's role allows. Scopes with v2 search
 * restrictions (`?category=...`) are not honoured: they grant nothing rather than more than they say.
 */

export type ScopeContext = 'patient' | 'user' | 'system';

export interface ResourceScope {
  context: ScopeContext;
  /** A resource type or '*'. */
  resourceType: string;
  /** v2 letters granted: c, r, u, d, s. */
  permissions: ReadonlySet<string>;
}

const SCOPE = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)$/;
const V2 = /^c?r?u?d?s?$/;

/** The resource scopes among a token's scopes (launch, openid, fhirUser, offline_access... are not). */
export function parseScopes(scopes: readonly string[]): ResourceScope[] {
  const parsed: ResourceScope[] = [];
  for (const scope of scopes) {
    const match = SCOPE.exec(scope);
    if (!match) continue;
    const [, context, resourceType, access] = match as unknown as [string, ScopeContext, string, string];
    let permissions: string;
    if (access === 'read') permissions = 'rs';
    else if (access === 'write') permissions = 'cud';
    else if (access === '*') permissions = 'cruds';
    else if (V2.test(access) && access.length) permissions = access;
    else continue;
    parsed.push({ context, resourceType, permissions: new Set(permissions) });
  }
  return parsed;
}

/** The v2 letters any of which allows an interaction (history: instance history is r, type history s). */
export function permissionsFor(interaction: string): string[] {
  switch (interaction) {
    case 'create':
      return ['c'];
    case 'read':
    case 'vread':
      return ['r'];
    case 'update':
    case 'patch':
      return ['u'];
    case 'delete':
      return ['d'];
    case 'search':
      return ['s'];
    case 'history':
      return ['r', 's'];
    default:
      // Operations: reading ones need r; a policy decides separately whether the role may run them.
      return ['r'];
  }
}

/**
 * How the scopes let the caller do `interaction` on `resourceType`: 'full' (user or system scope),
 * 'patient' (only in the launch patient's compartment) or 'none'.
 */
export function scopeGrant(
  scopes: readonly ResourceScope[],
  interaction: string,
  resourceType: string,
): 'full' | 'patient' | 'none' {
  const letters = permissionsFor(interaction);
  let grant: 'full' | 'patient' | 'none' = 'none';
  for (const scope of scopes) {
    if (scope.resourceType !== '*' && scope.resourceType !== resourceType) continue;
    if (!letters.some((letter) => scope.permissions.has(letter))) continue;
    if (scope.context !== 'patient') return 'full';
    grant = 'patient';
  }
  return grant;
}
