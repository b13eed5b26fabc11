import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config';
import type { FhirServices } from '../../fhir';
import type { Broadcast } from '../../platform/broadcast';
import type { Database } from '../../platform/db';
import { SecretBox } from '../identity';
import { LIVE_EVENT_TYPES, LiveHub, registerLiveRoute } from './live';
import { subscriptionWriteGuard } from './subscription.criteria';
import { FhirSubscriptionService } from './subscription.service';
import { registerSubscriptionWebsocket } from './subscription.websocket';
import { registerWebhookRoutes } from './webhooks.routes';
import { type BusEvent, WebhooksService } from './webhooks.service';

/** The part of the event bus a subscriber needs (modules/events). */
export interface EventSubscriptions {
  subscribe(name: string, types: string[], handler: (event: BusEvent, tenantId: string) => Promise<void>): void;
}

export interface SubscriptionsModuleOptions {
  config: Pick<
    Config,
    | 'secretsEncryptionKey'
    | 'webhookTimeoutMs'
    | 'notifyMaxAttempts'
    | 'notifyRetryBaseSeconds'
    | 'notifyWorkerIntervalMs'
  >;
  db: Database;
  fhir: FhirServices;
  events?: EventSubscriptions | undefined;
  /** What every process hears: live updates and Subscription pings reach sockets held by any of them. */
  broadcast: Broadcast;
  now?: (() => Date) | undefined;
}

export interface SubscriptionsModule {
  webhooks: WebhooksService;
  fhirSubscriptions: FhirSubscriptionService;
  live: LiveHub;
  /** Sends whatever is due (webhooks, Subscription activations and notifications); tests pass their clock. */
  runDue(options?: { now?: Date }): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    subscriptions: SubscriptionsModule;
  }
}

/** Webhooks for integrators, FHIR R4 Subscriptions (rest-hook, websocket) and the web app's live updates. */
export async function registerSubscriptionsModule(
  app: FastifyInstance,
  options: SubscriptionsModuleOptions,
): Promise<SubscriptionsModule> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  if (!app.hasDecorator('websocketServer')) await app.register(fastifyWebsocket);
  const settings = {
    timeoutMs: config.webhookTimeoutMs,
    maxAttempts: config.notifyMaxAttempts,
    retryBaseMs: config.notifyRetryBaseSeconds * 1000,
  };
  const webhooks = new WebhooksService({
    db: options.db,
    secrets: new SecretBox(config.secretsEncryptionKey),
    now,
    settings,
  });
  const fhirSubscriptions = new FhirSubscriptionService({
    db: options.db,
    fhir: options.fhir,
    broadcast: options.broadcast,
    now,
    settings,
  });
  options.fhir.repository.addWriteGuard('Subscription', subscriptionWriteGuard);
  fhirSubscriptions.watch(options.fhir.repository);
  const live = new LiveHub({ fhir: options.fhir, broadcast: options.broadcast, now });

  options.events?.subscribe('webhooks', ['*'], (event, tenantId) => webhooks.handleEvent(event, tenantId));
  options.events?.subscribe('live-updates', LIVE_EVENT_TYPES, (event, tenantId) => live.handleEvent(event, tenantId));

  registerWebhookRoutes(app, webhooks);
  registerSubscriptionWebsocket(app, fhirSubscriptions);
  registerLiveRoute(app, live);

  const runDue = async (run: { now?: Date } = {}) => {
    await fhirSubscriptions.runDue(run);
    await webhooks.runDue(run);
  };
  const module: SubscriptionsModule = { webhooks, fhirSubscriptions, live, runDue };
  app.decorate('subscriptions', module);

  // The background sender (0: off in this process).
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runDue();
    } catch (error) {
      app.log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'webhook and subscription sender failed',
      );
    } finally {
      running = false;
    }
  };
  app.addHook('onReady', async () => {
    if (config.notifyWorkerIntervalMs <= 0) return;
    fhirSubscriptions.onQueued = () => void tick();
    timer = setInterval(() => void tick(), config.notifyWorkerIntervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    fhirSubscriptions.onQueued = undefined;
  });
  return module;
}
