import { Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';

interface ConfirmButtonProps extends Omit<ButtonProps, 'children'> {
  /** The button's text. */
  children: ReactNode;
  /** The dialog's title, a question. */
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  'aria-label'?: string;
}

/** A button for something that cannot be taken back: it asks first, and shows the vault's answer if it fails. */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  onConfirm,
  ...buttonProps
}: ConfirmButtonProps) {
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      close();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button color="red.8" variant="outline" size="xs" {...buttonProps} onClick={open}>
        {children}
      </Button>
      <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={opened} onClose={close} title={title} centered>
        <Stack gap="md">
          <Text size="sm">{message}</Text>
          {error !== undefined && <ErrorAlert title="The vault refused" error={error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red.8" onClick={confirm} loading={busy}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
