import type { Sample } from './prometheus';

export interface SubscriberQueue {
  subscriber: string;
  lag: number;
  retrying: number;
  dead: number;
}

export interface DeliveryQueue {
  queue: string;
  queued: number;
  overdue: number;
}

export interface QueueSummary {
  subscribers: SubscriberQueue[];
  deliveries: DeliveryQueue[];
  broadcast?: { transport: string; connected: boolean };
  /** Something needs a look: dead letters, overdue messages, or servers that cannot reach each other. */
  attention: string[];
}

/** What people call each outgoing queue. */
export const QUEUE_NAMES: Record<string, string> = {
  notification: 'Notifications (email, SMS, in-app)',
  webhook_delivery: 'Webhooks',
  fhir_subscription_delivery: 'FHIR Subscriptions',
};

export const TRANSPORT_NAMES: Record<string, string> = {
  local: 'this server only (embedded database)',
  postgres: 'PostgreSQL LISTEN/NOTIFY',
  nats: 'NATS',
};

function byLabel(samples: Sample[], name: string, label: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const sample of samples) {
    const key = sample.labels[label];
    if (sample.name === name && key !== undefined) values.set(key, sample.value);
  }
  return values;
}

/** The server's queue gauges (meridian_events_*, meridian_delivery_*, meridian_broadcast_connected). */
export function summariseQueues(samples: Sample[]): QueueSummary {
  const lag = byLabel(samples, 'meridian_events_lag', 'subscriber');
  const retrying = byLabel(samples, 'meridian_events_retrying', 'subscriber');
  const dead = byLabel(samples, 'meridian_events_dead_letters', 'subscriber');
  const subscribers = [...new Set([...lag.keys(), ...retrying.keys(), ...dead.keys()])].sort().map((subscriber) => ({
    subscriber,
    lag: lag.get(subscriber) ?? 0,
    retrying: retrying.get(subscriber) ?? 0,
    dead: dead.get(subscriber) ?? 0,
  }));
  const queued = byLabel(samples, 'meridian_delivery_queued', 'queue');
  const overdue = byLabel(samples, 'meridian_delivery_overdue', 'queue');
  const deliveries = [...new Set([...queued.keys(), ...overdue.keys()])]
    .sort()
    .map((queue) => ({ queue, queued: queued.get(queue) ?? 0, overdue: overdue.get(queue) ?? 0 }));
  const broadcastSample = samples.find((sample) => sample.name === 'meridian_broadcast_connected');
  const broadcast = broadcastSample
    ? { transport: broadcastSample.labels.transport ?? 'unknown', connected: broadcastSample.value === 1 }
    : undefined;

  const attention: string[] = [];
  const deadTotal = subscribers.reduce((sum, row) => sum + row.dead, 0);
  if (deadTotal) attention.push(`${deadTotal} event ${deadTotal === 1 ? 'delivery' : 'deliveries'} given up on`);
  const overdueTotal = deliveries.reduce((sum, row) => sum + row.overdue, 0);
  if (overdueTotal) attention.push(`${overdueTotal} outgoing ${overdueTotal === 1 ? 'message' : 'messages'} overdue`);
  if (broadcast && !broadcast.connected) attention.push('Live updates cannot reach the other servers');
  return { subscribers, deliveries, ...(broadcast ? { broadcast } : {}), attention };
}
