import { Anchor, AppShell, Box, Center, Group, Loader, ScrollArea, Stack, Text } from '@mantine/core';
import { Link, Outlet, useLocation } from '@tanstack/react-router';
import { Logo } from '../app/Logo';
import { UserMenu } from '../app/UserMenu';
import { RequireRole } from '../auth/RequireRole';
import { useAuth } from '../auth/useAuth';
import { LiveIndicator } from '../live/LiveIndicator';
import { LiveProvider } from '../live/LiveProvider';
import { ErrorAlert } from '../shared/ErrorAlert';
import { Redirect } from '../shared/Redirect';
import { PortalPatientContext } from './portal-patient';
import { useMyPatientId } from './usePortal';

const SECTIONS = [
  { to: '/portal', label: 'Appointments' },
  { to: '/portal/results', label: 'Results' },
  { to: '/portal/medications', label: 'Medications' },
  { to: '/portal/invoices', label: 'Invoices' },
  { to: '/portal/messages', label: 'Messages' },
] as const;

function activeSection(pathname: string): string {
  if (pathname.startsWith('/portal/book')) return '/portal';
  return SECTIONS.find((section) => section.to !== '/portal' && pathname.startsWith(section.to))?.to ?? '/portal';
}

function PortalContent() {
  const patient = useMyPatientId();
  if (patient.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading your record" />
      </Center>
    );
  }
  if (patient.isError) {
    return (
      <ErrorAlert title="Your record could not be loaded" error={patient.error} onRetry={() => patient.refetch()} />
    );
  }
  if (!patient.data) {
    return (
      <ErrorAlert
        title="Your account is not linked to a patient record"
        error={new Error('Please contact the clinic so they can link your account to your record.')}
      />
    );
  }
  return (
    <PortalPatientContext.Provider value={patient.data}>
      <Outlet />
    </PortalPatientContext.Provider>
  );
}

/** The patient portal's simpler shell: the clinic, the portal's sections, the account menu. */
export function PortalFrame() {
  const { session, user } = useAuth();
  const location = useLocation();
  if (session.status === 'signed-out' || !user) {
    return <Redirect href={`/sign-in?redirect=${encodeURIComponent(location.href)}`} />;
  }
  const active = activeSection(location.pathname);
  return (
    <LiveProvider>
      <AppShell header={{ height: 112 }} padding="lg">
        <Anchor href="#main-content" className="skip-link">
          Skip to main content
        </Anchor>
        <AppShell.Header>
          <Stack gap={0} h="100%" justify="space-between">
            <Group h={64} px="md" justify="space-between" wrap="nowrap">
              <Group gap="sm" wrap="nowrap">
                <Logo tenantName={user.tenant.name} />
                <Text fw={600} c="dimmed" visibleFrom="xs">
                  Patient portal
                </Text>
              </Group>
              <Group gap="sm" wrap="nowrap">
                <Box visibleFrom="sm">
                  <LiveIndicator />
                </Box>
                <UserMenu />
              </Group>
            </Group>
            <ScrollArea type="never">
              <Group component="nav" aria-label="Portal sections" gap={4} px="md" pb={8} wrap="nowrap">
                {SECTIONS.map((section) => (
                  <Anchor
                    key={section.to}
                    component={Link}
                    to={section.to}
                    aria-current={active === section.to ? 'page' : undefined}
                    px="sm"
                    py={6}
                    fw={active === section.to ? 700 : 500}
                    underline="never"
                    c={active === section.to ? 'meridian.8' : 'dark.6'}
                    style={{
                      borderBottom: `3px solid ${active === section.to ? 'var(--mantine-color-meridian-7)' : 'transparent'}`,
                      whiteSpace: 'nowrap',
                    }}
                  >
                    {section.label}
                  </Anchor>
                ))}
              </Group>
            </ScrollArea>
          </Stack>
        </AppShell.Header>
        <AppShell.Main id="main-content" tabIndex={-1} bg="gray.0">
          <Box maw={960} mx="auto">
            <RequireRole roles={['patient']} what="the patient portal">
              <PortalContent />
            </RequireRole>
          </Box>
        </AppShell.Main>
      </AppShell>
    </LiveProvider>
  );
}
