import pg from 'pg';
import { assertTopic, type Broadcast, TopicHandlers } from './broadcast';

export const BROADCAST_CHANNEL = 'meridian_broadcast';
/** How the connection shows in pg_stat_activity. */
export const BROADCAST_APPLICATION = 'meridian-broadcast';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

interface Log {
  warn(object: object, message: string): void;
}

/**
 * Several processes on one PostgreSQL server: one connection of its own both LISTENs on the broadcast
 * channel and NOTIFYs it. A dropped connection is reopened with back-off; messages said meanwhile are
 * missed (the contract of a broadcast), and publishing then fails so its caller knows.
 */
export class PostgresBroadcast implements Broadcast {
  readonly transport = 'postgres' as const;
  private readonly handlers = new TopicHandlers();
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private closed = false;
  private retryMs = 250;
  private retryTimer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  get connected(): boolean {
    return this.client !== undefined;
  }

  constructor(
    private readonly url: string,
    private readonly log: Log,
  ) {}

  async publish(topic: string, message: string): Promise<void> {
    assertTopic(topic);
    const payload = JSON.stringify({ t: topic, m: message });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new Error(`Broadcast message on '${topic}' is too large for PostgreSQL NOTIFY`);
    }
    // One statement at a time on the connection (node-postgres no longer queues them for us).
    const sent = this.sending.then(async () => {
      const client = this.client ?? (await this.connect());
      await client.query('SELECT pg_notify($1, $2)', [BROADCAST_CHANNEL, payload]);
    });
    this.sending = sent.catch(() => {});
    await sent;
  }

  subscribe(topic: string, handler: (message: string) => void): () => void {
    return this.handlers.add(topic, handler);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private connect(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('broadcast closed'));
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: BROADCAST_APPLICATION });
    client.on('notification', (notification) => {
      if (notification.channel !== BROADCAST_CHANNEL || !notification.payload) return;
      let parsed: { t?: unknown; m?: unknown };
      try {
        parsed = JSON.parse(notification.payload);
      } catch {
        return;
      }
      if (typeof parsed.t === 'string' && typeof parsed.m === 'string') {
        this.handlers.deliver(parsed.t, parsed.m, (error) =>
          this.log.warn({ err: { message: String(error) }, topic: parsed.t }, 'broadcast handler failed'),
        );
      }
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      if (this.closed) return;
      this.log.warn({ err: { message: error?.message ?? 'connection ended' } }, 'broadcast connection lost');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${BROADCAST_CHANNEL}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => {});
      if (!this.closed) this.scheduleReconnect();
      throw error;
    }
    this.retryMs = 250;
    this.client = client;
    return client;
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.closed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch(() => {});
    }, wait);
    this.retryTimer.unref();
  }
}
