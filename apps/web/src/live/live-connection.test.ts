import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveConnection, type LiveStatus } from './live-connection';
import type { LiveEvent } from './live-events';

class FakeSocket {
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  close() {
    this.closed = true;
  }
  receive(data: string) {
    this.onmessage?.({ data });
  }
  drop() {
    this.onclose?.();
  }
}

describe('LiveConnection', () => {
  let sockets: FakeSocket[];
  let statuses: LiveStatus[];
  let events: LiveEvent[];
  let resyncs: number;
  let renewals: number;
  let connection: LiveConnection;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    statuses = [];
    events = [];
    resyncs = 0;
    renewals = 0;
    connection = new LiveConnection({
      url: 'ws://localhost/live',
      onEvent: (event) => events.push(event),
      onStatus: (status) => statuses.push(status),
      onResync: () => {
        resyncs += 1;
      },
      beforeReconnect: async () => {
        renewals += 1;
      },
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket as unknown as WebSocket;
      },
    });
  });
  afterEach(() => {
    connection.stop();
    vi.useRealTimers();
  });

  it('is live after hello and passes events on', () => {
    connection.start();
    expect(statuses).toEqual(['connecting']);
    sockets[0]!.receive('{"type":"hello"}');
    expect(statuses.at(-1)).toBe('live');
    sockets[0]!.receive('{"type":"appointment.booked","aggregate":{"type":"Appointment","id":"a1"}}');
    expect(events.map((event) => event.type)).toEqual(['appointment.booked']);
  });

  it('reconnects with back-off after a drop, renews the session first, and resyncs once live again', async () => {
    connection.start();
    sockets[0]!.receive('{"type":"hello"}');
    sockets[0]!.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(500);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    expect(renewals).toBe(1);
    // A second failure waits longer (about 2 s).
    sockets[1]!.drop();
    await vi.advanceTimersByTimeAsync(1_100);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sockets).toHaveLength(3);
    sockets[2]!.receive('{"type":"hello"}');
    expect(statuses.at(-1)).toBe('live');
    expect(resyncs).toBe(1);
  });

  it('stops for good on sign-out', async () => {
    connection.start();
    sockets[0]!.receive('{"type":"hello"}');
    connection.stop();
    expect(sockets[0]!.closed).toBe(true);
    expect(statuses.at(-1)).toBe('offline');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
  });
});
