import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { backoffMs, liveUrl, parseLiveMessage, queryKeysFor } from './live-events';

describe('live events', () => {
  it('maps event types to the query-key prefixes screens use', () => {
    expect(queryKeysFor('appointment.booked')).toContainEqual(['scheduling']);
    expect(queryKeysFor('appointment.cancelled')).toContainEqual(['portal', 'appointments']);
    expect(queryKeysFor('result.available')).toEqual(
      expect.arrayContaining([['inbox'], ['fhir', 'DiagnosticReport'], ['fhir', 'Observation']]),
    );
    expect(queryKeysFor('result.critical')).toContainEqual(['notifications']);
    expect(queryKeysFor('bed.freed')).toContainEqual(['beds']);
    expect(queryKeysFor('payment.posted')).toEqual(expect.arrayContaining([['billing'], ['portal', 'invoices']]));
    expect(queryKeysFor('invoice.issued')).toContainEqual(['portal', 'invoices']);
    expect(queryKeysFor('claim.submitted')).toEqual([]);
  });

  it('a waitlist event marks the front desk’s waitlist and offers stale, not the calendar', async () => {
    const client = new QueryClient();
    const waitlist = ['scheduling', 'waitlist'];
    const openOffers = ['scheduling', 'offers', 'open'];
    const calendar = ['scheduling', 'calendar', 'day'];
    for (const key of [waitlist, openOffers, calendar]) client.setQueryData(key, []);
    for (const type of ['waitlist.added', 'waitlist.removed', 'waitlist.offer-made', 'waitlist.offer-declined']) {
      expect(queryKeysFor(type), type).not.toEqual([]);
    }
    for (const queryKey of queryKeysFor('waitlist.offer-accepted')) await client.invalidateQueries({ queryKey });
    expect(client.getQueryState(waitlist)?.isInvalidated).toBe(true);
    expect(client.getQueryState(openOffers)?.isInvalidated).toBe(true);
    expect(client.getQueryState(calendar)?.isInvalidated).toBe(false);
  });

  it('reads events and ignores hello, non-JSON and other messages', () => {
    expect(parseLiveMessage('{"type":"hello"}')).toBeUndefined();
    expect(parseLiveMessage('not json')).toBeUndefined();
    expect(parseLiveMessage(42)).toBeUndefined();
    expect(parseLiveMessage('{"type":"bed.freed","aggregate":{"type":"Location","id":"b1"}}')).toMatchObject({
      type: 'bed.freed',
      aggregate: { id: 'b1' },
    });
  });

  it('backs off from 1 s doubling to at most 30 s', () => {
    expect(backoffMs(0, () => 0)).toBe(1000);
    expect(backoffMs(3, () => 0)).toBe(8000);
    expect(backoffMs(20, () => 0)).toBe(30_000);
    expect(backoffMs(20, () => 1)).toBe(24_000);
  });

  it('uses ws or wss on the page origin', () => {
    expect(liveUrl({ protocol: 'https:', host: 'clinic.example' })).toBe('wss://clinic.example/live');
    expect(liveUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/live');
  });
});
