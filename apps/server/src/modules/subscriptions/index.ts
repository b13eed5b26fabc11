export { LIVE_EVENT_TYPES, LiveHub } from './live';
export { parseCriteria, subscriptionWriteGuard } from './subscription.criteria';
export { FhirSubscriptionService } from './subscription.service';
export { SUBSCRIPTION_WEBSOCKET_PATH } from './subscription.websocket';
export {
  type EventSubscriptions,
  registerSubscriptionsModule,
  type SubscriptionsModule,
  type SubscriptionsModuleOptions,
} from './subscriptions.module';
export { matchesType, WebhooksService } from './webhooks.service';
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './webhooks.signing';
