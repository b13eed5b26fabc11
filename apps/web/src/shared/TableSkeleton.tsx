import { Skeleton, Stack } from '@mantine/core';

/** Placeholder rows while a list loads, so the page does not jump when it arrives. */
export function TableSkeleton({ rows = 4, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="xs" role="status" aria-live="polite" aria-label={label}>
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={index} height={32} radius="sm" />
      ))}
    </Stack>
  );
}
