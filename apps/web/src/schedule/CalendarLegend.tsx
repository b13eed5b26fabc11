import { Box, Group, Text } from '@mantine/core';
import { chipLook, StatusIcon } from './StatusBadge';
import { statusLabel } from './scheduling-api';

const SHOWN = ['booked', 'arrived', 'noshow', 'cancelled'] as const;

/** What the calendar's cards mean: each status by its edge, its icon and its word. */
export function CalendarLegend() {
  return (
    <Group component="ul" aria-label="Legend" gap="sm" wrap="wrap" m={0} p={0} style={{ listStyle: 'none' }}>
      {SHOWN.map((status) => {
        const look = chipLook(status);
        return (
          <Group component="li" key={status} gap={6} wrap="nowrap">
            <Box
              aria-hidden
              bg={look.background}
              w={22}
              h={18}
              style={{
                ...look.style,
                borderRadius: 'var(--mantine-radius-sm)',
                display: 'inline-flex',
                alignItems: 'center',
                justifyContent: 'center',
              }}
            >
              <StatusIcon status={status} size={12} />
            </Box>
            <Text size="sm" td={look.struck ? 'line-through' : undefined}>
              {statusLabel(status).label}
            </Text>
          </Group>
        );
      })}
    </Group>
  );
}
