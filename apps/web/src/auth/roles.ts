/** Roles a Meridian user can hold in a tenant (the identity module's role names). */
export const ROLES = [
  'super-admin',
  'tenant-admin',
  'physician',
  'nurse',
  'front-desk',
  'billing',
  'pharmacist',
  'patient',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  'super-admin': 'Super admin',
  'tenant-admin': 'Tenant admin',
  physician: 'Physician',
  nurse: 'Nurse',
  'front-desk': 'Front desk',
  billing: 'Billing',
  pharmacist: 'Pharmacist',
  patient: 'Patient',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Accepts the spellings a server may use (`front_desk`, `FrontDesk`, `tenant admin`) and keeps known roles only. */
export function normaliseRoles(values: unknown): Role[] {
  if (!Array.isArray(values)) return [];
  const roles = values
    .filter((value): value is string => typeof value === 'string')
    .map((value) =>
      value
        .replace(/([a-z])([A-Z])/g, '$1-$2')
        .replace(/[\s_]+/g, '-')
        .toLowerCase(),
    )
    .filter(isRole);
  return [...new Set(roles)];
}

export function hasAnyRole(held: readonly Role[], wanted: readonly Role[]): boolean {
  return wanted.some((role) => held.includes(role) || (held.includes('super-admin') && role !== 'patient'));
}
