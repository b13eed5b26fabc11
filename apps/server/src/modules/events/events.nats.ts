import { type JetStreamClient, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { StoredEvent } from './events.types';

export const NATS_STREAM = 'MERIDIAN_EVENTS';

/** `meridian.<tenant>.<type>`: a consumer filters one tenant (`meridian.<tenant>.>`) or one type everywhere. */
export function natsSubject(tenantId: string, type: string): string {
  return `meridian.${tenantId}.${type}`;
}

/** What a JetStream consumer receives: the stored event and its tenant. */
export function natsMessageOf(event: StoredEvent, tenantId: string): Record<string, unknown> {
  return { ...event, tenantId };
}

/**
 * The `nats` subscriber of the outbox: copies each event to the MERIDIAN_EVENTS stream, with the event id as
 * JetStream message id, so a redelivery (a crash between the publish and marking it done) is dropped by
 * the stream's duplicate window. Connects on first use and reconnects after a failure; a failed publish
 * throws, and the dispatcher retries it.
 */
export class NatsEventSink {
  private connection: Promise<{ nc: NatsConnection; js: JetStreamClient }> | undefined;

  constructor(
    private readonly url: string,
    private readonly stream = NATS_STREAM,
  ) {}

  async handle(event: StoredEvent, tenantId: string): Promise<void> {
    const { js } = await this.ready();
    await js.publish(natsSubject(tenantId, event.type), JSON.stringify(natsMessageOf(event, tenantId)), {
      msgID: event.id,
    });
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const { nc } = await connection.catch(() => ({ nc: undefined }));
    await nc?.drain().catch(() => {});
  }

  private ready(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (!this.connection) {
      this.connection = this.open();
      this.connection.catch(() => {
        this.connection = undefined;
      });
    }
    return this.connection;
  }

  private async open(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    const nc = await connect({ servers: this.url, name: 'meridian', maxReconnectAttempts: -1, timeout: 5000 });
    try {
      const jsm = await jetstreamManager(nc);
      const exists = await jsm.streams.info(this.stream).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await jsm.streams
          .add({ name: this.stream, subjects: ['meridian.>'], duplicate_window: nanos(10 * 60_000) })
          .catch(async (error: Error) => {
            // Another process created it meanwhile.
            if (
              !(await jsm.streams.info(this.stream).then(
                () => true,
                () => false,
              ))
            )
              throw error;
          });
      }
      nc.closed().then(() => {
        this.connection = undefined;
      });
      return { nc, js: jetstream(nc) };
    } catch (error) {
      await nc.close().catch(() => {});
      throw error;
    }
  }
}
