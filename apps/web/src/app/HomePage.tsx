import { Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title, UnstyledButton } from '@mantine/core';
import { IconActivityHeartbeat, IconSearch, IconUserPlus } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { lazy, type ReactNode, Suspense } from 'react';
import { hasAnyRole } from '../auth/roles';
import { useAuth } from '../auth/useAuth';
import { useDocumentTitle } from '../shared/useDocumentTitle';
import { SCREEN_ROLES } from './navigation';

// Its own chunk: the calendar code loads only for those who see the card.
const TodaySchedule = lazy(() =>
  import('../schedule/TodaySchedule').then((module) => ({ default: module.TodaySchedule })),
);

function greeting(now: Date): string {
  const hour = now.getHours();
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

interface ActionProps {
  to: string;
  title: string;
  description: ReactNode;
  icon: ReactNode;
}

function Action({ to, title, description, icon }: ActionProps) {
  return (
    <UnstyledButton component={Link} to={to}>
      <Card withBorder padding="lg" h="100%">
        <Group wrap="nowrap" align="flex-start">
          <ThemeIcon size={40} radius="md" variant="light" aria-hidden>
            {icon}
          </ThemeIcon>
          <Stack gap={4}>
            <Text fw={650}>{title}</Text>
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          </Stack>
        </Group>
      </Card>
    </UnstyledButton>
  );
}

/** The workspace home: where each role starts its day. Grows with schedules, inboxes and the bed board. */
export function HomePage() {
  useDocumentTitle('Workspace');
  const { user } = useAuth();
  const roles = user?.roles ?? [];
  // An email is all some accounts have for a name: greet by the part before the @.
  const firstName = user?.displayName.includes('@') ? '' : (user?.displayName.split(' ')[0] ?? '');
  return (
    <Stack gap="xl">
      <Stack gap={4}>
        <Title order={1} size="h2">
          {greeting(new Date())}
          {firstName ? `, ${firstName}` : ''}
        </Title>
        {user?.tenant.name && <Text c="dimmed">{user.tenant.name}</Text>}
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {hasAnyRole(roles, SCREEN_ROLES.patients) && (
          <Action
            to="/patients"
            title="Find a patient"
            description={
              <>
                By name, MRN, birth date or phone. Press <kbd>/</kbd> from any screen.
              </>
            }
            icon={<IconSearch size={22} />}
          />
        )}
        {hasAnyRole(roles, SCREEN_ROLES.registerPatient) && (
          <Action
            to="/patients/new"
            title="Register a patient"
            description="Create the record for a new patient."
            icon={<IconUserPlus size={22} />}
          />
        )}
        {hasAnyRole(roles, SCREEN_ROLES.systemHealth) && (
          <Action
            to="/console/system-health"
            title="System health"
            description="Uptime, request rates and errors of this server."
            icon={<IconActivityHeartbeat size={22} />}
          />
        )}
      </SimpleGrid>
      {hasAnyRole(roles, SCREEN_ROLES.schedule) && (
        <Suspense fallback={null}>
          <TodaySchedule />
        </Suspense>
      )}
    </Stack>
  );
}
