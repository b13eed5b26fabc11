import { Modal } from '@mantine/core';
import type { ReactNode } from 'react';
import { accidentalClose } from './payment-dialog';

/**
 * The frame of a payment dialog (billing desk and patient portal). It closes by Escape or a click outside
 * only when `accidentalClose` allows it: a double click on Pay must not close the dialog when the form
 * shrinks under the second click (an earlier refusal's message goes away as the payment starts), or the
 * confirmation would be lost.
 */
export function PaymentModal({
  title,
  payment,
  onClose,
  children,
}: {
  title: string;
  payment: { isPending: boolean; isError: boolean };
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      closeButtonProps={{ 'aria-label': 'Close' }}
      {...accidentalClose(payment)}
    >
      {children}
    </Modal>
  );
}
