import { Badge, type MantineSize } from '@mantine/core';
import {
  type Icon,
  IconCalendarCheck,
  IconCalendarQuestion,
  IconCalendarX,
  IconCircleCheck,
  IconDoorEnter,
  IconUserX,
} from '@tabler/icons-react';
import type { CSSProperties } from 'react';
import { statusLabel } from './scheduling-api';

/**
 * How an appointment's status looks wherever the front desk sees it: a word, an icon and a colour, never
 * the colour alone. A no-show keeps its name legible (it happened, and it matters) with a dashed orange
 * edge; a cancellation is struck through on grey.
 */
const ICONS: Record<string, Icon> = {
  booked: IconCalendarCheck,
  arrived: IconDoorEnter,
  'checked-in': IconDoorEnter,
  fulfilled: IconCircleCheck,
  noshow: IconUserX,
  cancelled: IconCalendarX,
  'entered-in-error': IconCalendarX,
};

export function StatusIcon({ status, size = 14 }: { status: string; size?: number }) {
  const Shape = ICONS[status] ?? IconCalendarQuestion;
  return <Shape size={size} aria-hidden stroke={2} />;
}

export function StatusBadge({ status, size = 'sm' }: { status: string; size?: MantineSize }) {
  const look = statusLabel(status);
  return (
    <Badge
      size={size}
      color={look.color}
      variant="light"
      c="dark.8"
      leftSection={<StatusIcon status={status} size={size === 'xs' ? 11 : 14} />}
    >
      {look.label}
    </Badge>
  );
}

/** The card of an appointment on the calendar (and its sample in the legend). */
export function chipLook(status: string): { background: string; style: CSSProperties; struck: boolean } {
  const color = statusLabel(status).color;
  if (status === 'noshow') {
    return {
      background: 'orange.0',
      style: {
        border: '1px dashed var(--mantine-color-orange-8)',
        borderLeft: '4px dashed var(--mantine-color-orange-8)',
      },
      struck: false,
    };
  }
  const inactive = status === 'cancelled' || status === 'entered-in-error';
  return {
    background: inactive ? 'gray.0' : 'blue.0',
    style: { borderLeft: `4px solid var(--mantine-color-${color}-7)` },
    struck: inactive,
  };
}
