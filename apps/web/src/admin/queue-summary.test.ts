import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './prometheus';
import { summariseQueues } from './queue-summary';

const TEXT = `# HELP meridian_events_lag Events published after each subscriber's position
# TYPE meridian_events_lag gauge
meridian_events_lag{subscriber="webhooks"} 0
meridian_events_lag{subscriber="billing"} 12
meridian_events_retrying{subscriber="billing"} 2
meridian_events_retrying{subscriber="webhooks"} 0
meridian_events_dead_letters{subscriber="billing"} 1
meridian_events_dead_letters{subscriber="webhooks"} 0
meridian_delivery_queued{queue="notification"} 4
meridian_delivery_overdue{queue="notification"} 3
meridian_delivery_queued{queue="webhook_delivery"} 0
meridian_delivery_overdue{queue="webhook_delivery"} 0
meridian_broadcast_connected{transport="postgres"} 0
`;

describe('summariseQueues', () => {
  it('reads each subscriber and queue, and says what needs a look', () => {
    const summary = summariseQueues(parsePrometheus(TEXT));
    expect(summary.subscribers).toEqual([
      { subscriber: 'billing', lag: 12, retrying: 2, dead: 1 },
      { subscriber: 'webhooks', lag: 0, retrying: 0, dead: 0 },
    ]);
    expect(summary.deliveries).toEqual([
      { queue: 'notification', queued: 4, overdue: 3 },
      { queue: 'webhook_delivery', queued: 0, overdue: 0 },
    ]);
    expect(summary.broadcast).toEqual({ transport: 'postgres', connected: false });
    expect(summary.attention).toEqual([
      '1 event delivery given up on',
      '3 outgoing messages overdue',
      'Live updates cannot reach the other servers',
    ]);
  });

  it('is calm when all is well, and empty when the server reports no queues', () => {
    const calm = summariseQueues(
      parsePrometheus(
        'meridian_events_dead_letters{subscriber="a"} 0\nmeridian_broadcast_connected{transport="local"} 1\n',
      ),
    );
    expect(calm.attention).toEqual([]);
    expect(summariseQueues([])).toEqual({ subscribers: [], deliveries: [], attention: [] });
  });
});
