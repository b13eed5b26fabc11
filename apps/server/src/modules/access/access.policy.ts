/**
 * The policy decision point for routes: given a route's declared access rule and the caller's roles,
 * allow or deny. Deny by default: a rule not listed here lets nobody in.
 *
 * Rules that need no caller ('public') or that are guarded elsewhere ('local-admin', the CLI's token)
 * are decided by the authentication hook before a principal is looked for.
 */
const ROUTE_RULES: Record<string, readonly string[] | 'any-principal'> = {
  authenticated: 'any-principal',
  // Finer decisions per resource type and interaction belong to the FHIR policy; any member may reach the API.
  fhir: 'any-principal',
  'tenant-admin': ['tenant_admin', 'super_admin'],
  'super-admin': ['super_admin'],
  'audit-read': ['tenant_admin', 'super_admin'],
  // Emergency access to a patient's record: for those who treat patients.
  'break-the-glass': ['physician', 'nurse', 'pharmacist'],
  // Module APIs over tables that are not FHIR resources (FHIR resources they touch still go through the FHIR policy).
  /** Those who treat patients: results inbox, clinical alerts. */
  clinical: ['physician', 'nurse', 'pharmacist', 'super_admin'],
  /** The front desk's work: waitlists, bed board moves, check-in. */
  'front-desk': ['front_desk', 'nurse', 'physician', 'tenant_admin', 'super_admin'],
  /** The billing desk: ledger, payments, claims. */
  billing: ['billing', 'tenant_admin', 'super_admin'],
  /** A patient acting for themselves (the portal's own-account APIs): handlers bind it to the caller's record. */
  'patient-self': ['patient'],
};

/** Rules that routes may declare; a route with any other rule (or none) is refused. */
export const ROUTE_ACCESS_RULES = ['public', 'local-admin', ...Object.keys(ROUTE_RULES)] as const;

export function isKnownRouteRule(rule: string | undefined): boolean {
  return rule !== undefined && (ROUTE_ACCESS_RULES as readonly string[]).includes(rule);
}

export function allowsRoute(rule: string, roles: readonly string[]): boolean {
  const allowed = ROUTE_RULES[rule];
  if (!allowed) return false;
  if (allowed === 'any-principal') return true;
  return roles.some((role) => allowed.includes(role));
}
