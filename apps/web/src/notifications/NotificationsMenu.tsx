import {
  ActionIcon,
  Button,
  Group,
  Indicator,
  Loader,
  Popover,
  ScrollArea,
  Stack,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApi } from '../api/useApi';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import {
  bellLabel,
  fetchNotifications,
  type InAppNotification,
  linkFor,
  markNotificationRead,
  NOTIFICATIONS_KEY,
  unreadCount,
} from './notifications-api';

function NotificationItem({ notification, onRead }: { notification: InAppNotification; onRead: () => void }) {
  const link = linkFor(notification.about);
  const unread = !notification.readAt;
  return (
    <Stack
      component="li"
      gap={2}
      p="xs"
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        background: unread ? 'var(--mantine-color-meridian-0)' : undefined,
      }}
    >
      <Text size="sm" fw={unread ? 700 : 500}>
        {unread && <VisuallyHidden>Unread: </VisuallyHidden>}
        {notification.subject}
      </Text>
      <Text size="sm">{notification.body}</Text>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          {formatFhirDateTime(notification.createdAt)}
        </Text>
        <Group gap={4}>
          {link && (
            <Button component={Link} to={link} size="compact-xs" variant="subtle">
              Open chart
            </Button>
          )}
          {unread && (
            <Button size="compact-xs" variant="light" onClick={onRead}>
              Mark as read
            </Button>
          )}
        </Group>
      </Group>
    </Stack>
  );
}

/** The bell in the header: the signed-in user's in-app notifications, newest first, with the unread count. */
export function NotificationsMenu() {
  const { http } = useApi();
  const queryClient = useQueryClient();
  const notifications = useQuery({
    queryKey: NOTIFICATIONS_KEY,
    queryFn: ({ signal }) => fetchNotifications(http, signal),
    // Live updates invalidate it; the interval covers notifications no event announces.
    refetchInterval: 60_000,
  });
  const markRead = useMutation({
    mutationFn: (id: string) => markNotificationRead(http, id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const list = notifications.data ?? [];
  const unread = unreadCount(list);

  return (
    <Popover position="bottom-end" width={360} shadow="md" withinPortal trapFocus>
      <Popover.Target>
        <ActionIcon variant="subtle" size="lg" aria-label={bellLabel(unread)}>
          <Indicator label={unread > 9 ? '9+' : unread} size={16} disabled={unread === 0} color="red.9" offset={2}>
            <IconBell size={20} aria-hidden />
          </Indicator>
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown aria-label="Notifications">
        <Text fw={700} mb="xs">
          Notifications
        </Text>
        {notifications.isPending && <Loader size="sm" aria-label="Loading notifications" />}
        {notifications.isError && (
          <ErrorAlert
            title="Notifications could not be loaded"
            error={notifications.error}
            onRetry={() => notifications.refetch()}
          />
        )}
        {markRead.isError && <ErrorAlert title="Could not mark it as read" error={markRead.error} />}
        {notifications.isSuccess && list.length === 0 && (
          <Text size="sm" c="dimmed">
            No notifications.
          </Text>
        )}
        {list.length > 0 && (
          <ScrollArea.Autosize mah={420}>
            <Stack component="ul" gap={4} p={0} m={0} style={{ listStyle: 'none' }} aria-label="Your notifications">
              {list.map((notification) => (
                <NotificationItem
                  key={notification.id}
                  notification={notification}
                  onRead={() => markRead.mutate(notification.id)}
                />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
