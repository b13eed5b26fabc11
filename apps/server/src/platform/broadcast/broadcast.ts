/**
 * Messages every Meridian process hears, its own included: what one process learns (an event its dispatcher
 * delivered, a Subscription notification its worker sent) reaches the sockets held by all of them. Best
 * effort and not stored — a process that is down misses what was said meanwhile; what must not be lost
 * travels through the outbox instead.
 */
export interface Broadcast {
  /** Which engine carries the messages: 'local' (this process only), 'postgres' or 'nats'. */
  readonly transport: 'local' | 'postgres' | 'nats';
  /** Whether messages travel now (system health); a transport that lost its connection keeps reconnecting. */
  readonly connected: boolean;
  /** Says `message` on `topic` to every process. Resolves once handed to the transport. */
  publish(topic: string, message: string): Promise<void>;
  /** Hears `topic` in this process; returns the way to stop. */
  subscribe(topic: string, handler: (message: string) => void): () => void;
  /** Connects (a no-op where nothing needs connecting). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export const TOPIC_PATTERN = /^[a-z][a-z0-9-]*$/;

export function assertTopic(topic: string): void {
  if (!TOPIC_PATTERN.test(topic)) throw new Error(`Broadcast topic '${topic}' must be lower-case words`);
}

/** The handlers of each topic in this process, shared by every transport. */
export class TopicHandlers {
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

  add(topic: string, handler: (message: string) => void): () => void {
    assertTopic(topic);
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  topics(): string[] {
    return [...this.handlers.keys()];
  }

  /** One handler's failure is its own: the others still hear the message. */
  deliver(topic: string, message: string, onError: (error: unknown) => void): void {
    for (const handler of this.handlers.get(topic) ?? []) {
      try {
        handler(message);
      } catch (error) {
        onError(error);
      }
    }
  }
}

/** One process on its own (`npm start` on PGlite): saying is hearing. */
export class LocalBroadcast implements Broadcast {
  readonly transport = 'local' as const;
  readonly connected = true;
  private readonly handlers = new TopicHandlers();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  async publish(topic: string, message: string): Promise<void> {
    assertTopic(topic);
    // Asynchronously, like the networked transports: a publisher never runs its listeners on its own stack.
    queueMicrotask(() => this.handlers.deliver(topic, message, this.onError));
  }

  subscribe(topic: string, handler: (message: string) => void): () => void {
    return this.handlers.add(topic, handler);
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}
