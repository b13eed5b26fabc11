import { notifications } from '@mantine/notifications';

/** A short confirmation that the vault made a change: readable contrast and a named close button. */
export function notifyDone(message: string): void {
  notifications.show({
    color: 'teal.9',
    message,
    closeButtonProps: { 'aria-label': 'Dismiss' },
    styles: { description: { color: 'var(--mantine-color-gray-8)' } },
  });
}
