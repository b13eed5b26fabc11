import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import { NotificationsApi } from './notifications.api';
import { auditNotificationRoutes } from './notifications.audit';
import {
  type EmailSender,
  httpSmsSender,
  mailboxSender,
  outboxFileSmsSender,
  type SmsSender,
  smtpSender,
} from './notifications.channels';
import { registerNotificationsRoutes } from './notifications.routes';
import {
  type AccessAlert,
  NOTIFICATION_EVENT_TYPES,
  type NotificationEvent,
  NotificationsService,
} from './notifications.service';

/** The part of the event bus a subscriber needs (modules/events). */
export interface EventSubscriptions {
  subscribe(
    name: string,
    types: string[],
    handler: (event: NotificationEvent, tenantId: string) => Promise<void>,
  ): void;
}

export interface NotificationsModuleOptions {
  config: Pick<
    Config,
    | 'dataDir'
    | 'smtpUrl'
    | 'mailFrom'
    | 'smsProviderUrl'
    | 'smsProviderToken'
    | 'smsFrom'
    | 'notifyReminderHours'
    | 'notifyTimeZone'
    | 'notifyMaxAttempts'
    | 'notifyRetryBaseSeconds'
    | 'notifyWorkerIntervalMs'
  >;
  db: Database;
  fhir: FhirServices;
  /** Records reads and changes of patients' preferences and of the delivery log. */
  audit?: AuditService | undefined;
  events?: EventSubscriptions | undefined;
  /** The access module's alert list (break-the-glass), read by the background job. */
  access?: { alerts(tenantId: string, limit: number): Promise<AccessAlert[]> } | undefined;
  now?: (() => Date) | undefined;
  /** Replace the adapters (tests). */
  email?: EmailSender;
  sms?: SmsSender;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The notifications service: tests drive its sender with their own clock. */
    notifications: NotificationsService;
  }
}

/** Email, SMS and in-app notifications from domain events; templates, preferences, delivery state. */
export function registerNotificationsModule(
  app: FastifyInstance,
  options: NotificationsModuleOptions,
): NotificationsService {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const email =
    options.email ??
    (config.smtpUrl
      ? smtpSender(config.smtpUrl, config.mailFrom)
      : mailboxSender(join(config.dataDir, 'mailbox'), config.mailFrom));
  const sms =
    options.sms ??
    (config.smsProviderUrl
      ? httpSmsSender({ url: config.smsProviderUrl, token: config.smsProviderToken, from: config.smsFrom })
      : outboxFileSmsSender(join(config.dataDir, 'sms-outbox')));
  const service = new NotificationsService({
    db: options.db,
    fhir: options.fhir,
    email,
    sms,
    now,
    settings: {
      reminderHours: config.notifyReminderHours,
      timeZone: config.notifyTimeZone,
      maxAttempts: config.notifyMaxAttempts,
      retryBaseMs: config.notifyRetryBaseSeconds * 1000,
    },
    ...(options.access ? { accessAlerts: (tenantId: string) => options.access!.alerts(tenantId, 50) } : {}),
    warn: (message, fields) => app.log.warn(fields ?? {}, message),
  });
  app.decorate('notifications', service);
  options.events?.subscribe('notifications', NOTIFICATION_EVENT_TYPES, (event, tenantId) =>
    service.handleEvent(event, tenantId),
  );
  if (options.audit) auditNotificationRoutes(app, options.audit);
  registerNotificationsRoutes(app, new NotificationsApi({ db: options.db, fhir: options.fhir, now }));

  // The background sender: due messages and new break-the-glass alerts, every interval (0: off).
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let alertsPolledAt = 0;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // Access alerts are looked for per tenant: at most every 30 s, not at every tick.
      if (Date.now() - alertsPolledAt >= 30_000) {
        alertsPolledAt = Date.now();
        await service.pollAccessAlerts();
      }
      await service.runDue();
    } catch (error) {
      app.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'notification sender failed');
    } finally {
      running = false;
    }
  };
  app.addHook('onReady', async () => {
    if (config.notifyWorkerIntervalMs > 0) {
      timer = setInterval(() => void tick(), config.notifyWorkerIntervalMs);
      timer.unref();
    }
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    email.close?.();
  });
  return service;
}
