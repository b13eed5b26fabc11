import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signatureHeader, verifySignature } from './webhooks.signing';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ id: 'e1', type: 'appointment.booked' });
  const now = new Date('2026-11-24T01:00:00Z');
  const t = Math.floor(now.getTime() / 1000);

  it('verifies what was signed, with the same secret, recently', () => {
    const header = signatureHeader(secret, t, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(header, secret, body, { now })).toBe(true);
  });

  it('refuses another body, another secret, an old timestamp or a malformed header', () => {
    const header = signatureHeader(secret, t, body);
    expect(verifySignature(header, secret, `${body} `, { now })).toBe(false);
    expect(verifySignature(header, newWebhookSecret(), body, { now })).toBe(false);
    expect(verifySignature(header, secret, body, { now: new Date(now.getTime() + 600_000) })).toBe(false);
    expect(verifySignature('v1=abc', secret, body, { now })).toBe(false);
    expect(verifySignature(undefined, secret, body, { now })).toBe(false);
  });
});
