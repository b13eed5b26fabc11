import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/*
 * Vault clients send LIST requests, a method Node's HTTP parser refuses. Each connection is passed
 * through a small framing tracker that rewrites the request line "LIST /path" to "GET /path?list=true"
 * (Vault treats both the same) before the parser sees it. Bodies are skipped by Content-Length;
 * a chunked request body switches the connection to plain pass-through.
 */

const MAX_HEAD = 64 * 1024;

export class ListRewriter {
  private state: 'head' | 'body' | 'passthrough' = 'head';
  private head: Buffer = Buffer.alloc(0);
  private remaining = 0;

  /** Feeds raw bytes; returns the bytes to hand to the HTTP parser. */
  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let data: Buffer = chunk;
    while (data.length > 0) {
      if (this.state === 'passthrough') {
        out.push(data);
        break;
      }
      if (this.state === 'body') {
        const take = Math.min(this.remaining, data.length);
        out.push(data.subarray(0, take));
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) this.state = 'head';
        continue;
      }
      this.head = this.head.length ? Buffer.concat([this.head, data]) : data;
      data = Buffer.alloc(0);
      const end = this.head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (this.head.length > MAX_HEAD) {
          out.push(this.head);
          this.head = Buffer.alloc(0);
          this.state = 'passthrough';
        }
        break;
      }
      const headText = this.head.subarray(0, end + 4).toString('latin1');
      data = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
      out.push(Buffer.from(rewriteHead(headText), 'latin1'));
      if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(headText)) {
        this.state = 'passthrough';
        continue;
      }
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
      this.remaining = length ? Number(length[1]) : 0;
      this.state = this.remaining > 0 ? 'body' : 'head';
    }
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }
}

export function rewriteHead(head: string): string {
  const m = /^(\r\n)*LIST ([^ ]+) (HTTP\/1\.[01])\r\n/.exec(head);
  if (!m) return head;
  const url = m[2] as string;
  const target = `${url}${url.includes('?') ? '&' : '?'}list=true`;
  return `GET ${target} ${m[3]}\r\n${head.slice(m[0].length)}`;
}

/** A socket stand-in that feeds rewritten bytes to the HTTP server. */
class RewritingSocket extends Duplex {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly remoteFamily: string | undefined;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  private readonly rewriter = new ListRewriter();

  constructor(private readonly socket: Socket) {
    super({ allowHalfOpen: true });
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.remoteFamily = socket.remoteFamily;
    this.localAddress = socket.localAddress;
    this.localPort = socket.localPort;
    socket.on('data', (chunk: Buffer) => {
      const out = this.rewriter.push(chunk);
      if (out.length > 0 && !this.push(out)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
    socket.on('timeout', () => this.emit('timeout'));
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy(error ?? undefined);
    callback(error);
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms, callback);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
  ref(): this {
    this.socket.ref();
    return this;
  }
  unref(): this {
    this.socket.unref();
    return this;
  }
  address() {
    return this.socket.address();
  }
}

/** An HTTP server that also accepts Vault's LIST method. */
export function createListAwareServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const server = createServer(handler);
  const [original] = server.listeners('connection') as ((socket: Duplex) => void)[];
  if (!original) return server;
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    original.call(server, new RewritingSocket(socket));
  });
  return server;
}
