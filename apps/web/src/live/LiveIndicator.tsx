import { Badge, Box, Tooltip } from '@mantine/core';
import { useLiveStatus } from './LiveProvider';
import type { LiveStatus } from './live-connection';

const LOOK: Record<LiveStatus, { label: string; color: string; hint: string }> = {
  live: { label: 'Live', color: 'green.8', hint: 'Screens update as things happen' },
  connecting: { label: 'Connecting', color: 'gray.7', hint: 'Connecting for live updates' },
  reconnecting: {
    label: 'Reconnecting',
    color: 'orange.9',
    hint: 'Live updates are paused; screens refresh once the connection is back',
  },
  offline: { label: 'Offline', color: 'gray.7', hint: 'No live updates' },
};

/** A small sign of whether open screens update on their own. */
export function LiveIndicator() {
  const status = useLiveStatus();
  const look = LOOK[status];
  return (
    <Tooltip label={look.hint}>
      <Badge
        role="status"
        aria-label={`Live updates: ${look.label.toLowerCase()}`}
        data-status={status}
        variant="default"
        leftSection={
          <Box
            component="span"
            aria-hidden
            w={8}
            h={8}
            style={{
              borderRadius: '50%',
              background: `var(--mantine-color-${look.color.replace('.', '-')})`,
              display: 'inline-block',
            }}
          />
        }
      >
        {look.label}
      </Badge>
    </Tooltip>
  );
}
