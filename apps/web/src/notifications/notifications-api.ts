import type { HttpClient } from '../api/http-client';

/** One in-app notification of the signed-in user (`GET /notifications`). */
export interface InAppNotification {
  id: string;
  kind: string;
  subject: string;
  body: string;
  about?: string | null;
  createdAt: string;
  readAt?: string | null;
}

export const NOTIFICATIONS_KEY = ['notifications'] as const;

export async function fetchNotifications(http: HttpClient, signal?: AbortSignal): Promise<InAppNotification[]> {
  const { body } = await http.request<{ notifications: InAppNotification[] }>(
    '/notifications?limit=20',
    signal ? { signal } : {},
  );
  return body.notifications ?? [];
}

export async function markNotificationRead(http: HttpClient, id: string): Promise<void> {
  await http.request(`/notifications/${encodeURIComponent(id)}/read`, { method: 'POST', body: {} });
}

export function unreadCount(notifications: readonly InAppNotification[]): number {
  return notifications.filter((notification) => !notification.readAt).length;
}

/** The link a notification points to in the app, when it is about something the app has a screen for. */
export function linkFor(about: string | null | undefined): string | undefined {
  const patient = /^Patient\/([A-Za-z0-9\-.]+)$/.exec(about ?? '');
  return patient ? `/patients/${patient[1]}` : undefined;
}

/** "Bell: 3 unread notifications" as a screen reader hears the button. */
export function bellLabel(unread: number): string {
  if (unread === 0) return 'Notifications, none unread';
  return `Notifications, ${unread} unread`;
}
