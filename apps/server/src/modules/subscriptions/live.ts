import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FhirContext } from '../../fhir';
import { type FhirServices, fhirContextOf, isResourceType } from '../../fhir';
import type { Broadcast } from '../../platform/broadcast';
import { SESSION_COOKIE } from '../identity';
import type { BusEvent } from './webhooks.service';

/** What the web app hears about as it happens: new results, schedule and waitlist changes, bed status, orders. */
export const LIVE_EVENT_TYPES = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.cancelled',
  'appointment.no-show',
  'appointment.checked-in',
  'encounter.finished',
  'order.placed',
  'order.revoked',
  'result.available',
  'result.critical',
  'bed.occupied',
  'bed.freed',
  'bed.status-changed',
  'invoice.issued',
  'payment.posted',
  'waitlist.added',
  'waitlist.removed',
  'waitlist.offer-made',
  'waitlist.offer-accepted',
  'waitlist.offer-declined',
];

/** Events older than this are history, not news (a new subscriber starts from a tenant's first event). */
const FRESH_MS = 60_000;

interface LiveClient {
  ctx: FhirContext;
  send(message: string): void;
}

/** What one process tells all of them about an event (ids and types only). */
interface LiveMessage {
  tenantId: string;
  id: string;
  type: string;
  occurredAt?: string | undefined;
  aggregate: { type: string; id: string };
  /** The FHIR resource whose readers hear the event (see aboutOf). */
  about: { type: string; id: string };
}

/**
 * Whose readers may hear an event: its aggregate when that is a FHIR resource. Invoices and payments
 * (a payment is a ledger row, not a resource) are the patient's business: heard by those who may read
 * the patient's record, the patient in the portal included. So are waitlist entries and offers (rows of
 * the scheduling module, not resources): heard by those who may read the waiting patient.
 */
function aboutOf(event: BusEvent): LiveMessage['about'] | undefined {
  const patientId = event.data?.patientId;
  if (/^(invoice|payment)\./.test(event.type)) {
    return typeof patientId === 'string' ? { type: 'Patient', id: patientId } : undefined;
  }
  if (/^waitlist\./.test(event.type)) {
    const waiting = event.data?.patient;
    return typeof waiting === 'string' ? { type: 'Patient', id: waiting } : undefined;
  }
  return isResourceType(event.aggregate.type) ? event.aggregate : undefined;
}

export const LIVE_TOPIC = 'live-updates';

/**
 * Streams a tenant's events to its signed-in users at /live, each only what their access allows: an
 * event reaches a user when they may read the resource it is about (the FHIR guard decides, row filters
 * — patients outside a care team, Consents — included). Messages carry ids and types, no patient data.
 * The dispatcher hands each event to one process; that process broadcasts it, so every process's sockets
 * hear it.
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  /** Messages leave in the order they came: a socket hears an entry's "added" before its "removed". */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { fhir: FhirServices; broadcast: Broadcast; now: () => Date }) {
    deps.broadcast.subscribe(LIVE_TOPIC, (raw) => this.deliver(raw));
  }

  now(): Date {
    return this.deps.now();
  }

  get size(): number {
    return this.clients.size;
  }

  add(client: LiveClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  private async allowed(client: LiveClient, about: LiveMessage['about']): Promise<boolean> {
    if (!isResourceType(about.type)) return false;
    try {
      await this.deps.fhir.repository.read(client.ctx, about.type, about.id);
      return true;
    } catch {
      return false;
    }
  }

  /** The dispatcher's delivery (one process): tells every process. */
  async handleEvent(event: BusEvent, tenantId: string): Promise<void> {
    if (event.occurredAt && this.deps.now().getTime() - new Date(event.occurredAt).getTime() > FRESH_MS) return;
    const about = aboutOf(event);
    if (!about) return;
    const message: LiveMessage = {
      tenantId,
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      aggregate: { type: event.aggregate.type, id: event.aggregate.id },
      about: { type: about.type, id: about.id },
    };
    await this.deps.broadcast.publish(LIVE_TOPIC, JSON.stringify(message));
  }

  /**
   * Every process: to the sockets it holds of that tenant, each checked against its caller's access. The
   * checks of consecutive messages run side by side (each is a read); the sends wait their turn.
   */
  private deliver(raw: string): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(raw) as LiveMessage;
    } catch {
      return;
    }
    if (typeof message.tenantId !== 'string' || typeof message.about?.id !== 'string') return;
    const { tenantId, about, ...forClient } = message;
    const text = JSON.stringify(forClient);
    const checks = [...this.clients]
      .filter((client) => client.ctx.tenantId === tenantId)
      .map((client) => ({ client, allowed: this.allowed(client, about) }));
    this.sending = this.sending.then(async () => {
      for (const { client, allowed } of checks) {
        if (!(await allowed) || !this.clients.has(client)) continue;
        try {
          client.send(text);
        } catch {
          // A socket closing as the message left: the next message goes to the others all the same.
        }
      }
    });
  }
}

/**
 * A browser opening a socket with the session cookie must do so from this server's own origin: cookies
 * would otherwise let another site (a sibling subdomain, which SameSite=Lax does not stop) listen in.
 * Bearer-token callers and clients that send no Origin are not browsers riding a cookie.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  if (request.principal?.via !== 'cookie') return true;
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** When the caller's token (bearer or session cookie, already verified by the auth hook) expires, if it says. */
export function tokenExpiry(request: FastifyRequest): number | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? request.cookies?.[SESSION_COOKIE];
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function registerLiveRoute(app: FastifyInstance, hub: LiveHub): void {
  app.get(
    '/live',
    {
      websocket: true,
      config: { access: 'authenticated' },
      schema: {
        tags: ['live'],
        summary: 'Websocket of the tenant’s events the caller may see (session cookie or bearer token)',
      },
    },
    (socket, request) => {
      if (!sameOrigin(request)) {
        socket.close(4003, 'origin not allowed');
        return;
      }
      const remove = hub.add({ ctx: fhirContextOf(request), send: (message) => socket.send(message) });
      // A socket lives no longer than the token that opened it: the app reconnects with a fresh one, and a
      // sign-in that has ended (or roles that have changed) is checked again then.
      const expiresAt = tokenExpiry(request);
      const timer =
        expiresAt === undefined
          ? undefined
          : setTimeout(() => socket.close(4001, 'token expired'), Math.max(0, expiresAt - hub.now().getTime()));
      timer?.unref();
      socket.on('close', () => {
        remove();
        if (timer) clearTimeout(timer);
      });
      socket.send(
        JSON.stringify({ type: 'hello', ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}) }),
      );
    },
  );
}
