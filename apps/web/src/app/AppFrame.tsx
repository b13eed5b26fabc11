import {
  ActionIcon,
  Anchor,
  AppShell,
  Badge,
  Box,
  Burger,
  Group,
  NavLink,
  ScrollArea,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconActivityHeartbeat,
  IconApps,
  IconHome,
  IconInbox,
  IconListSearch,
  IconLock,
  IconSearch,
  IconShieldLock,
  IconUserCog,
  IconUserPlus,
  IconUsers,
} from '@tabler/icons-react';
import { Link, Outlet, useLocation } from '@tanstack/react-router';
import { type ReactNode, useEffect } from 'react';
import type { Role } from '../auth/roles';
import { useAuth } from '../auth/useAuth';
import { InboxCountBadge } from '../inbox/InboxCountBadge';
import { LiveIndicator } from '../live/LiveIndicator';
import { LiveProvider } from '../live/LiveProvider';
import { NotificationsMenu } from '../notifications/NotificationsMenu';
import { PatientSearchBox } from '../patients/PatientSearchBox';
import { Redirect } from '../shared/Redirect';
import { Logo } from './Logo';
import { NAVIGATION, navigationFor } from './navigation';
import { ShortcutsButton, ShortcutsHint } from './ShortcutsDialog';
import { ShortcutsProvider } from './ShortcutsProvider';
import { UserMenu } from './UserMenu';

const ICONS: Record<string, ReactNode> = {
  '/': <IconHome size={18} aria-hidden />,
  '/patients': <IconUsers size={18} aria-hidden />,
  '/patients/new': <IconUserPlus size={18} aria-hidden />,
  '/inbox': <IconInbox size={18} aria-hidden />,
  '/console/system-health': <IconActivityHeartbeat size={18} aria-hidden />,
  '/console/users': <IconUserCog size={18} aria-hidden />,
  '/console/policies': <IconShieldLock size={18} aria-hidden />,
  '/console/smart-apps': <IconApps size={18} aria-hidden />,
  '/console/audit': <IconListSearch size={18} aria-hidden />,
  '/console/vault': <IconLock size={18} aria-hidden />,
};

/** The navigation item for a path: the longest one that is the path or a folder of it. */
export function activeItemFor(pathname: string): string | undefined {
  return NAVIGATION.map((item) => item.to)
    .filter((to) => pathname === to || (to !== '/' && pathname.startsWith(`${to}/`)))
    .sort((a, b) => b.length - a.length)[0];
}

/** What every staff screen shares: live updates and keyboard shortcuts. */
function FrameProviders({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  return (
    <LiveProvider>
      <ShortcutsProvider roles={roles}>{children}</ShortcutsProvider>
    </LiveProvider>
  );
}

export function AppFrame() {
  const { session, user } = useAuth();
  const location = useLocation();
  const [navigationOpen, { toggle, close }] = useDisclosure(false);
  // Close the mobile navigation when a link is followed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => close(), [location.pathname]);

  if (session.status === 'signed-out' || !user) {
    const from = location.href;
    return <Redirect href={from === '/' ? '/sign-in' : `/sign-in?redirect=${encodeURIComponent(from)}`} />;
  }
  // Patients have their own, simpler portal.
  if (user.roles.length > 0 && user.roles.every((role) => role === 'patient')) return <Redirect href="/portal" />;
  const groups = navigationFor(user.roles);
  const active = activeItemFor(location.pathname);

  return (
    <FrameProviders roles={user.roles}>
      <AppShell
        header={{ height: 64 }}
        navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navigationOpen } }}
        padding="lg"
      >
        <Anchor href="#main-content" className="skip-link">
          Skip to main content
        </Anchor>
        <AppShell.Header>
          <Group h="100%" px="md" gap="md" wrap="nowrap" justify="space-between">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={navigationOpen}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={navigationOpen ? 'Close navigation' : 'Open navigation'}
              />
              <Logo tenantName={user.tenant.name} />
            </Group>
            <Box flex={1} maw={560} visibleFrom="xs">
              <PatientSearchBox />
            </Box>
            <Group gap="sm" wrap="nowrap">
              {/* Phones have no room for the search box: the results page has its own. */}
              <ActionIcon
                component={Link}
                to="/patients"
                hiddenFrom="xs"
                variant="subtle"
                size="lg"
                aria-label="Search patients"
              >
                <IconSearch size={20} aria-hidden />
              </ActionIcon>
              <Box visibleFrom="md">
                <LiveIndicator />
              </Box>
              <Box visibleFrom="sm">
                <ShortcutsButton />
              </Box>
              <NotificationsMenu />
              {session.mode === 'development' && (
                <Badge color="orange.9" variant="outline" visibleFrom="md" title="This server has no sign-in yet">
                  Development user
                </Badge>
              )}
              <UserMenu />
            </Group>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" component="nav" aria-label="Main navigation">
          <AppShell.Section grow component={ScrollArea}>
            <Stack gap="lg">
              {groups.map((group) => (
                <Stack key={group.section} gap={2}>
                  <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>
                    {group.section}
                  </Text>
                  {group.items.map((item) => (
                    <NavLink
                      key={item.to}
                      component={Link}
                      to={item.to}
                      label={item.label}
                      leftSection={ICONS[item.to]}
                      rightSection={item.to === '/inbox' ? <InboxCountBadge /> : undefined}
                      active={active === item.to}
                      // The frame decides which item is current; the router's own prefix matching would light two.
                      activeOptions={{ exact: true }}
                      aria-current={active === item.to ? 'page' : undefined}
                      variant="light"
                      style={{ borderRadius: 'var(--mantine-radius-md)' }}
                    />
                  ))}
                </Stack>
              ))}
              {groups.length === 0 && (
                <Text size="sm" c="dimmed" px="sm">
                  Your role has no screens here yet.
                </Text>
              )}
            </Stack>
          </AppShell.Section>
          <AppShell.Section>
            <ShortcutsHint />
          </AppShell.Section>
        </AppShell.Navbar>

        <AppShell.Main id="main-content" tabIndex={-1} bg="gray.0">
          <Box maw={1280} mx="auto">
            <Outlet />
          </Box>
        </AppShell.Main>
      </AppShell>
    </FrameProviders>
  );
}
