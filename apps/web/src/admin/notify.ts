import { notifications } from '@mantine/notifications';

/** A short confirmation that a change was made: readable contrast and a named close button. */
export function notifyDone(title: string, message: string): void {
  notifications.show({
    color: 'teal.9',
    title,
    message,
    closeButtonProps: { 'aria-label': 'Dismiss' },
    styles: { description: { color: 'var(--mantine-color-gray-8)' } },
  });
}
