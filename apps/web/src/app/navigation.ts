import type { Role } from '../auth/roles';
import { hasAnyRole } from '../auth/roles';

export type NavigationSection = 'Clinical' | 'Front desk' | 'Billing' | 'Administration';

export interface NavigationItem {
  to: string;
  label: string;
  section: NavigationSection;
  /** Who sees the item; super admins see every staff item. */
  roles: readonly Role[];
  /** Matches only the exact path (the workspace home would otherwise be active everywhere). */
  exact?: boolean;
}

const CLINICAL: readonly Role[] = ['physician', 'nurse', 'pharmacist'];
const FRONT_DESK: readonly Role[] = ['front-desk'];
const ADMIN: readonly Role[] = ['tenant-admin'];

/** Every screen the navigation offers, with who it is for. Screens that need a role also check it themselves. */
export const NAVIGATION: readonly NavigationItem[] = [
  { to: '/', label: 'Workspace', section: 'Clinical', roles: [...CLINICAL, ...FRONT_DESK, 'billing'], exact: true },
  {
    to: '/patients',
    label: 'Patients',
    section: 'Clinical',
    roles: [...CLINICAL, ...FRONT_DESK, 'billing'],
    exact: true,
  },
  { to: '/inbox', label: 'Results inbox', section: 'Clinical', roles: ['physician', 'nurse'] },
  {
    to: '/patients/new',
    label: 'Register patient',
    section: 'Front desk',
    roles: [...FRONT_DESK, 'physician', 'nurse'],
  },
  { to: '/schedule', label: 'Schedule', section: 'Front desk', roles: [...FRONT_DESK, 'physician', 'nurse'] },
  { to: '/beds', label: 'Bed board', section: 'Front desk', roles: [...FRONT_DESK, 'physician', 'nurse'] },
  { to: '/billing', label: 'Billing desk', section: 'Billing', roles: ['billing', ...ADMIN] },
  { to: '/console/system-health', label: 'System health', section: 'Administration', roles: ADMIN },
  { to: '/console/users', label: 'Users', section: 'Administration', roles: ADMIN },
  { to: '/console/policies', label: 'Access policies', section: 'Administration', roles: ADMIN },
  { to: '/console/smart-apps', label: 'SMART apps', section: 'Administration', roles: ADMIN },
  { to: '/console/audit', label: 'Audit trail', section: 'Administration', roles: ADMIN },
  { to: '/console/vault', label: 'Vault', section: 'Administration', roles: ADMIN },
];

export const SCREEN_ROLES = {
  patients: [...CLINICAL, ...FRONT_DESK, 'billing'] as readonly Role[],
  registerPatient: [...FRONT_DESK, 'physician', 'nurse'] as readonly Role[],
  schedule: [...FRONT_DESK, 'physician', 'nurse'] as readonly Role[],
  beds: [...FRONT_DESK, 'physician', 'nurse'] as readonly Role[],
  inbox: ['physician', 'nurse'] as readonly Role[],
  billing: ['billing', ...ADMIN] as readonly Role[],
  systemHealth: ADMIN,
  users: ADMIN,
  auditTrail: ADMIN,
  policies: ADMIN,
  smartApps: ADMIN,
  vault: ADMIN,
};

export function navigationFor(roles: readonly Role[]): { section: NavigationSection; items: NavigationItem[] }[] {
  const visible = NAVIGATION.filter((item) => hasAnyRole(roles, item.roles));
  const sections: NavigationSection[] = ['Clinical', 'Front desk', 'Billing', 'Administration'];
  return sections
    .map((section) => ({ section, items: visible.filter((item) => item.section === section) }))
    .filter((group) => group.items.length > 0);
}
