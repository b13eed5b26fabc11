import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** What Meridian needs of a card payment gateway. Both calls are idempotent on `idempotencyKey`. */
export interface PaymentGateway {
  charge(input: {
    amount: number;
    currency: string;
    token: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ id: string; status: 'succeeded' | 'declined'; declineReason?: string }>;
  refund(input: {
    charge: string;
    amount: number;
    idempotencyKey: string;
  }): Promise<{ id: string; status: 'succeeded' | 'declined'; declineReason?: string }>;
  /** Secret the gateway signs its webhooks with. */
  readonly webhookSecret: string;
}

export const SIGNATURE_HEADER = 'meridian-gateway-signature';
/** Webhooks older (or newer) than this are refused, so a captured one cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`, the scheme most gateways use. */
export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function verifyWebhook(secret: string, body: string, header: string | undefined, now: Date): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((part) => {
      const index = part.indexOf('=');
      return [part.slice(0, index).trim(), part.slice(index + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/**
 * The development and test gateway: approves the test token `tok_visa`, declines `tok_declined`, and
 * answers a repeated idempotency key with its first answer (as real gateways do), so a payment retried
 * after a crash between the gateway's answer and Meridian's commit is charged once.
 */
export class TestPaymentGateway implements PaymentGateway {
  readonly webhookSecret: string;
  private readonly answers = new Map<
    string,
    { id: string; status: 'succeeded' | 'declined'; declineReason?: string }
  >();
  /** Charges actually made (not answered from the idempotency map). */
  readonly charges: { id: string; amount: number; currency: string; metadata: Record<string, string> }[] = [];
  readonly refunds: { id: string; charge: string; amount: number }[] = [];

  constructor(webhookSecret = randomBytes(32).toString('base64url')) {
    this.webhookSecret = webhookSecret;
  }

  async charge(input: Parameters<PaymentGateway['charge']>[0]) {
    const known = this.answers.get(`charge:${input.idempotencyKey}`);
    if (known) return known;
    const answer =
      input.token === 'tok_declined'
        ? { id: `ch_${randomUUID()}`, status: 'declined' as const, declineReason: 'card_declined' }
        : { id: `ch_${randomUUID()}`, status: 'succeeded' as const };
    if (answer.status === 'succeeded') {
      this.charges.push({ id: answer.id, amount: input.amount, currency: input.currency, metadata: input.metadata });
    }
    this.answers.set(`charge:${input.idempotencyKey}`, answer);
    return answer;
  }

  async refund(input: Parameters<PaymentGateway['refund']>[0]) {
    const known = this.answers.get(`refund:${input.idempotencyKey}`);
    if (known) return known;
    const answer = { id: `re_${randomUUID()}`, status: 'succeeded' as const };
    this.refunds.push({ id: answer.id, charge: input.charge, amount: input.amount });
    this.answers.set(`refund:${input.idempotencyKey}`, answer);
    return answer;
  }

  /** A signed webhook as the gateway would send it. */
  webhook(event: { id?: string; type: string; data: Record<string, unknown> }, timestamp?: number) {
    const body = JSON.stringify({ id: event.id ?? `evt_${randomUUID()}`, type: event.type, data: event.data });
    return { body, signature: signWebhook(this.webhookSecret, body, timestamp) };
  }
}
