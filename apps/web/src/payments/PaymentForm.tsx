import { Button, Group, type MantineColor, Stack } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';

/**
 * The form of a payment dialog: its fields and messages (`children`), then Cancel and the submit button,
 * which spins while the payment is on its way. Submitting never reloads the page; `onSubmit` decides
 * whether anything is sent.
 */
export function PaymentForm({
  onSubmit,
  onCancel,
  submitLabel,
  pending,
  submitColor,
  noValidate,
  style,
  children,
}: {
  onSubmit: () => void;
  onCancel: () => void;
  submitLabel: string;
  pending: boolean;
  submitColor?: MantineColor;
  /** Set where the dialog checks its fields itself and shows the problems in words. */
  noValidate?: boolean;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <form
      noValidate={noValidate}
      style={style}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Stack>
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending} color={submitColor}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
