import { Avatar, Group, Loader, Menu, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconBuildingHospital, IconCheck, IconChevronDown, IconLogout, IconRefresh } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { ROLE_LABELS, ROLES, type Role } from '../auth/roles';
import { SwitchTenantDialog } from '../auth/SwitchTenantDialog';
import { useAuth } from '../auth/useAuth';
import { useMyTenants, useTenantSwitch } from '../auth/useTenantSwitch';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
}

export function UserMenu() {
  const { session, user, signOut, setDevelopmentRoles } = useAuth();
  const navigate = useNavigate();
  const tenants = useMyTenants();
  const tenantSwitch = useTenantSwitch();
  if (!user) return null;
  const otherTenants = (tenants.data ?? []).filter((tenant) => !tenant.current);
  const development = session.status === 'signed-in' && session.mode === 'development';
  const roleSummary = user.roles.map((role) => ROLE_LABELS[role]).join(', ') || 'No role';

  const toggleRole = (role: Role) => {
    const next = user.roles.includes(role) ? user.roles.filter((held) => held !== role) : [...user.roles, role];
    setDevelopmentRoles(next);
  };

  return (
    <>
      {/* No focus placeholder: Mantine's is a focusable role="presentation" element, which a menu may not hold. */}
      <Menu position="bottom-end" width={260} shadow="md" withinPortal withInitialFocusPlaceholder={false}>
        <Menu.Target>
          {/* Named by its own text (WCAG 2.5.3); the hidden words keep a name when the text is hidden on small screens. */}
          <UnstyledButton>
            <VisuallyHidden>Account menu: {user.displayName}</VisuallyHidden>
            <Group gap={8} wrap="nowrap" aria-hidden>
              <Avatar color="meridian" radius="xl" size={36} aria-hidden>
                {initials(user.displayName)}
              </Avatar>
              <Stack gap={0} visibleFrom="lg">
                <Text size="sm" fw={600} lh={1.2}>
                  {user.displayName}
                </Text>
                <Text size="xs" c="dimmed" lh={1.2} truncate maw={180}>
                  {roleSummary}
                </Text>
              </Stack>
              <IconChevronDown size={16} aria-hidden />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          {user.tenant.name && <Menu.Label>{user.tenant.name}</Menu.Label>}
          {otherTenants.length > 0 && (
            <>
              <Menu.Divider />
              <Menu.Label>Switch organisation</Menu.Label>
              {otherTenants.map((tenant) => (
                <Menu.Item
                  key={tenant.id}
                  leftSection={<IconBuildingHospital size={14} aria-hidden />}
                  onClick={() => tenantSwitch.start(tenant)}
                >
                  {tenant.name}
                </Menu.Item>
              ))}
            </>
          )}
          {tenants.isLoading && (
            <Menu.Item disabled leftSection={<Loader size={12} aria-hidden />}>
              Loading your organisations…
            </Menu.Item>
          )}
          {tenants.isError && (
            <Menu.Item
              closeMenuOnClick={false}
              leftSection={<IconRefresh size={14} aria-hidden />}
              onClick={() => tenants.refetch()}
            >
              Your organisations could not be loaded: try again
            </Menu.Item>
          )}
          {development && (
            <>
              <Menu.Divider />
              <Menu.Label>Preview as role (development)</Menu.Label>
              {ROLES.filter((role) => role !== 'patient').map((role) => (
                <Menu.Item
                  key={role}
                  closeMenuOnClick={false}
                  onClick={() => toggleRole(role)}
                  leftSection={
                    user.roles.includes(role) ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />
                  }
                  role="menuitemcheckbox"
                  aria-checked={user.roles.includes(role)}
                >
                  {ROLE_LABELS[role]}
                </Menu.Item>
              ))}
            </>
          )}
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconLogout size={14} aria-hidden />}
            onClick={async () => {
              await signOut();
              await navigate({ to: '/sign-in' });
            }}
          >
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <SwitchTenantDialog flow={tenantSwitch} />
    </>
  );
}
