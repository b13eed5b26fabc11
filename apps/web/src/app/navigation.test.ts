import { describe, expect, it } from 'vitest';
import { navigationFor } from './navigation';

const labels = (roles: Parameters<typeof navigationFor>[0]) =>
  navigationFor(roles).flatMap((group) => group.items.map((item) => item.label));

describe('navigationFor', () => {
  it('shows the front desk registration but no administration', () => {
    expect(labels(['front-desk'])).toEqual(['Workspace', 'Patients', 'Register patient', 'Schedule', 'Bed board']);
  });
  it('shows a tenant admin the billing desk and the console', () => {
    expect(labels(['tenant-admin'])).toEqual([
      'Billing desk',
      'System health',
      'Users',
      'Access policies',
      'SMART apps',
      'Audit trail',
      'Vault',
    ]);
  });
  it('shows a super admin every staff screen', () => {
    expect(labels(['super-admin'])).toEqual([
      'Workspace',
      'Patients',
      'Results inbox',
      'Register patient',
      'Schedule',
      'Bed board',
      'Billing desk',
      'System health',
      'Users',
      'Access policies',
      'SMART apps',
      'Audit trail',
      'Vault',
    ]);
  });
  it('offers physicians and nurses the results inbox, and no one else', () => {
    expect(labels(['physician'])).toContain('Results inbox');
    expect(labels(['nurse'])).toContain('Results inbox');
    expect(labels(['pharmacist'])).not.toContain('Results inbox');
    expect(labels(['front-desk'])).not.toContain('Results inbox');
  });
  it('shows the billing role the billing desk beside the workspace and patients', () => {
    expect(navigationFor(['billing'])).toEqual([
      expect.objectContaining({ section: 'Clinical' }),
      expect.objectContaining({
        section: 'Billing',
        items: [expect.objectContaining({ to: '/billing', label: 'Billing desk' })],
      }),
    ]);
    expect(labels(['physician'])).not.toContain('Billing desk');
  });
  it('shows a patient none of the staff screens', () => {
    expect(labels(['patient'])).toEqual([]);
  });
  it('groups items by section, in a fixed order', () => {
    expect(navigationFor(['physician', 'tenant-admin']).map((group) => group.section)).toEqual([
      'Clinical',
      'Front desk',
      'Billing',
      'Administration',
    ]);
  });
});
