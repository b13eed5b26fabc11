import { Badge } from '@mantine/core';
import { IconAlertOctagon, IconArrowDown, IconArrowUp } from '@tabler/icons-react';
import { flagOf } from './results-display';

/** Badges in narrow table cells keep their whole words (Mantine truncates a badge's label by default). */
const WHOLE = {
  root: { flexShrink: 0, maxWidth: 'none', overflow: 'visible' },
  label: { overflow: 'visible' },
} as const;

/**
 * A result's interpretation flag, never by colour alone: the code and its words ("HH Critical high"),
 * an arrow for high or low, and for critical values a filled red badge with a warning icon.
 */
export function ResultFlag({ code }: { code: string | undefined }) {
  const flag = flagOf(code);
  if (!flag) return <>—</>;
  if (!flag.abnormal) {
    return (
      <Badge variant="outline" color="gray.7" tt="none" radius="sm" styles={WHOLE}>
        {flag.code} {flag.label}
      </Badge>
    );
  }
  const arrow = flag.code.startsWith('H') ? (
    <IconArrowUp size={14} aria-hidden />
  ) : flag.code.startsWith('L') ? (
    <IconArrowDown size={14} aria-hidden />
  ) : null;
  if (flag.critical) {
    return (
      <Badge
        variant="filled"
        color="red.9"
        tt="none"
        radius="sm"
        leftSection={<IconAlertOctagon size={14} aria-hidden />}
      >
        {flag.code} {flag.label}
      </Badge>
    );
  }
  return (
    <Badge variant="outline" color="dark.7" tt="none" radius="sm" styles={WHOLE} leftSection={arrow}>
      {flag.code} {flag.label}
    </Badge>
  );
}

/** "Critical" in words and a warning icon, for a whole report or inbox row. */
export function CriticalBadge() {
  return (
    <Badge
      variant="filled"
      color="red.9"
      tt="none"
      styles={WHOLE}
      leftSection={<IconAlertOctagon size={14} aria-hidden />}
    >
      Critical
    </Badge>
  );
}
