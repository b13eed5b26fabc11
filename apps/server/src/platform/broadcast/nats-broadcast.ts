import { connect, type NatsConnection } from '@nats-io/transport-node';
import { assertTopic, type Broadcast, TopicHandlers } from './broadcast';

export const BROADCAST_SUBJECT_PREFIX = 'meridian-broadcast';

interface Log {
  warn(object: object, message: string): void;
}

/**
 * Several processes sharing a NATS server: core publish/subscribe on `meridian-broadcast.<topic>` (no
 * JetStream: nothing is stored). The client reconnects by itself and resubscribes.
 */
export class NatsBroadcast implements Broadcast {
  readonly transport = 'nats' as const;
  private readonly handlers = new TopicHandlers();
  private connection: Promise<NatsConnection> | undefined;
  private up = false;

  get connected(): boolean {
    return this.up;
  }

  constructor(
    private readonly url: string,
    private readonly log: Log,
  ) {}

  async publish(topic: string, message: string): Promise<void> {
    assertTopic(topic);
    const nc = await this.connect();
    nc.publish(`${BROADCAST_SUBJECT_PREFIX}.${topic}`, message);
  }

  subscribe(topic: string, handler: (message: string) => void): () => void {
    return this.handlers.add(topic, handler);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const nc = await connection?.catch(() => undefined);
    this.up = false;
    await nc?.drain().catch(() => {});
  }

  private connect(): Promise<NatsConnection> {
    if (!this.connection) {
      this.connection = this.open();
      this.connection.catch(() => {
        this.connection = undefined;
      });
    }
    return this.connection;
  }

  private async open(): Promise<NatsConnection> {
    const nc = await connect({
      servers: this.url,
      name: 'meridian-broadcast',
      maxReconnectAttempts: -1,
      timeout: 5000,
    });
    nc.subscribe(`${BROADCAST_SUBJECT_PREFIX}.>`, {
      callback: (error, message) => {
        if (error) {
          this.log.warn({ err: { message: error.message } }, 'broadcast subscription failed');
          return;
        }
        const topic = message.subject.slice(BROADCAST_SUBJECT_PREFIX.length + 1);
        this.handlers.deliver(topic, message.string(), (handlerError) =>
          this.log.warn({ err: { message: String(handlerError) }, topic }, 'broadcast handler failed'),
        );
      },
    });
    // A publish right after start must not race the subscription's registration with the server.
    await nc.flush();
    this.up = true;
    void this.watch(nc);
    return nc;
  }

  /** Follows the client's own reconnections, for `connected`. */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.up = false;
      else if (status.type === 'reconnect') this.up = true;
    }
    this.up = false;
  }
}
