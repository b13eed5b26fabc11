import { Alert, Button, Group, Stack } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * What a payment dialog shows once the payment is taken, in place of its form: a status alert (screen
 * readers announce it without moving the focus), then `below` (such as the new balance), then Done.
 */
export function PaymentReceived({
  title,
  children,
  below,
  onDone,
}: {
  title: string;
  children: ReactNode;
  below?: ReactNode;
  onDone: () => void;
}) {
  return (
    <Stack>
      <Alert color="teal.9" variant="filled" icon={<IconCircleCheck aria-hidden />} title={title} role="status">
        {children}
      </Alert>
      {below}
      <Group justify="flex-end">
        <Button onClick={onDone} data-autofocus>
          Done
        </Button>
      </Group>
    </Stack>
  );
}
