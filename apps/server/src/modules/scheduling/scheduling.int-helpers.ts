import { expect } from 'vitest';
import type { SignedIn } from '../../../test/test-app';

/** Test helpers of the scheduling integration tests. */

export interface FreeSlot {
  id: string;
  start: string;
  end: string;
  seatsLeft: number;
  practitioner?: string;
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export async function createSchedule(caller: SignedIn, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await caller.request('POST', '/scheduling/schedules', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function freeSlots(
  caller: SignedIn,
  filter: Record<string, string>,
  from: Date,
  to: Date,
  count = 1000,
): Promise<FreeSlot[]> {
  const query = new URLSearchParams({
    ...filter,
    from: from.toISOString(),
    to: to.toISOString(),
    count: String(count),
  });
  const res = await caller.request('GET', `/scheduling/slots?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().slots;
}

export async function book(caller: SignedIn, slot: string, patient: string, extra: Record<string, unknown> = {}) {
  return caller.request('POST', '/appointments', { slot, patient, ...extra });
}

export async function booked(caller: SignedIn, slot: string, patient: string, extra: Record<string, unknown> = {}) {
  const res = await book(caller, slot, patient, extra);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; status: string; slot: { reference: string }[]; start: string };
}
