import { backoffMs, type LiveEvent, parseLiveMessage } from './live-events';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveConnectionOptions {
  url: string;
  onEvent(event: LiveEvent): void;
  onStatus(status: LiveStatus): void;
  /** Before reconnecting: renew the session (a socket closes when its token expires). */
  beforeReconnect?: () => Promise<unknown>;
  /** After a reconnection: anything may have happened while the socket was down. */
  onResync?: () => void;
  createSocket?: (url: string) => WebSocket;
}

/**
 * The app's connection to the server's `/live` websocket: reconnects with back-off after any close
 * (network, restart, token expiry), and stops for good on `stop()` (sign-out).
 */
export class LiveConnection {
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private stopped = true;
  private everOpened = false;

  constructor(private readonly options: LiveConnectionOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      // Closing a socket still connecting makes the browser log an error: close it once it is open.
      if (socket.readyState === 0) socket.onopen = () => socket.close(1000, 'signed out');
      else socket.close(1000, 'signed out');
    }
    this.options.onStatus('offline');
  }

  private open(): void {
    if (this.stopped) return;
    this.options.onStatus(this.attempt === 0 && !this.everOpened ? 'connecting' : 'reconnecting');
    let socket: WebSocket;
    try {
      socket = (this.options.createSocket ?? ((url) => new WebSocket(url)))(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (message) => {
      const text = typeof message.data === 'string' ? message.data : undefined;
      if (text?.includes('"hello"')) {
        const resync = this.everOpened;
        this.attempt = 0;
        this.everOpened = true;
        this.options.onStatus('live');
        if (resync) this.options.onResync?.();
        return;
      }
      const event = parseLiveMessage(text);
      if (event) this.options.onEvent(event);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.socket = undefined;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.options.onStatus('reconnecting');
    const wait = backoffMs(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      try {
        await this.options.beforeReconnect?.();
      } catch {
        // The session may have ended: the app signs out (and stops this) on its own.
      }
      this.open();
    }, wait);
  }
}
