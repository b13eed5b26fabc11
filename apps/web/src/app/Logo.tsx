import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { Link } from '@tanstack/react-router';

export function Logo({ tenantName }: { tenantName: string }) {
  return (
    <UnstyledButton
      component={Link}
      to="/"
      aria-label={tenantName ? `Meridian, ${tenantName}: go to the workspace` : 'Meridian: go to the workspace'}
    >
      <Group gap={10} wrap="nowrap">
        <svg width="32" height="32" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="7" fill="var(--mantine-color-meridian-7)" />
          <path
            d="M6 22 L11 10 L16 19 L21 10 L26 22"
            fill="none"
            stroke="#fff"
            strokeWidth="3"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        <Stack gap={0} visibleFrom="sm">
          <Text fw={700} size="lg" lh={1.1}>
            Meridian
          </Text>
          {/* A space between the lines, so the visible text reads "Meridian <tenant>" as the label does. */}
          {tenantName && ' '}
          {tenantName && (
            <Text size="xs" c="dimmed" lh={1.2} truncate maw={180}>
              {tenantName}
            </Text>
          )}
        </Stack>
      </Group>
    </UnstyledButton>
  );
}
