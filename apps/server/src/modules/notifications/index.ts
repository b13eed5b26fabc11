export { notificationsErrors } from './notifications.errors';
export {
  type EventSubscriptions,
  type NotificationsModuleOptions,
  registerNotificationsModule,
} from './notifications.module';
export {
  type NotificationEvent,
  NotificationsService,
  retryDelayMs,
} from './notifications.service';
export { escapeHtml, render, renderText } from './notifications.templates';
