import { Button, Modal } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';

/** A small button that opens a dialog holding a form; the form closes it when done. */
export function FormModalButton({
  label,
  ariaLabel,
  title,
  render,
}: {
  label: string;
  ariaLabel: string;
  title: string;
  render: (close: () => void) => ReactNode;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button size="xs" variant="default" onClick={open} aria-label={ariaLabel}>
        {label}
      </Button>
      <Modal closeButtonProps={{ 'aria-label': 'Close' }} opened={opened} onClose={close} title={title} centered>
        {opened && render(close)}
      </Modal>
    </>
  );
}
