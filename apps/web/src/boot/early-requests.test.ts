import { describe, expect, it, vi } from 'vitest';
import { FhirClient } from '../api/fhir-client';
import { HttpClient } from '../api/http-client';
import { CHART_BANNER_LISTS, chartSearchParams } from '../chart/chart-requests';
import {
  chartAddress,
  chartFirstScreenPaths,
  EARLY_ANSWER_LIFETIME_MS,
  EarlyRequests,
  opensStaffScreens,
} from './early-requests';

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A server that answers each path with the next of its answers, and counts what reached it. */
function server(answers: Record<string, Array<() => Response>>) {
  const asked: string[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
    const path = String(input);
    asked.push(path);
    const next = answers[path]?.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next();
  });
  return { fetchImpl: fetchImpl as typeof fetch, asked };
}

describe('EarlyRequests', () => {
  it('answers the app’s first request for a path from the early one, then asks the server again', async () => {
    const { fetchImpl, asked } = server({
      '/fhir/R4/Patient/p1': [() => json(200, { id: 'early' }), () => json(200, { id: 'later' })],
    });
    const early = new EarlyRequests(fetchImpl);
    early.start('/fhir/R4/Patient/p1');
    const http = new HttpClient('', early.fetch);
    expect((await http.request('/fhir/R4/Patient/p1')).body).toEqual({ id: 'early' });
    expect(asked).toHaveLength(1);
    expect((await http.request('/fhir/R4/Patient/p1')).body).toEqual({ id: 'later' });
    expect(asked).toHaveLength(2);
  });

  it('never hands over a refused early read: the app asks again and sees only its own answer', async () => {
    const { fetchImpl, asked } = server({
      '/fhir/R4/Patient/p1': [() => json(401, { detail: 'Sign in' }), () => json(200, { id: 'p1' })],
    });
    const early = new EarlyRequests(fetchImpl);
    early.start('/fhir/R4/Patient/p1');
    const http = new HttpClient('', early.fetch);
    const expired = vi.fn();
    http.onSessionExpired = expired;
    expect((await http.request('/fhir/R4/Patient/p1')).body).toEqual({ id: 'p1' });
    // No renewal was attempted for the early refusal, and nobody was told the session ended.
    expect(asked).toEqual(['/fhir/R4/Patient/p1', '/fhir/R4/Patient/p1']);
    expect(expired).not.toHaveBeenCalled();
  });

  it('hands over /auth/me’s 401, which is the answer "signed out"', async () => {
    const { fetchImpl, asked } = server({
      '/auth/me': [() => json(401, { detail: 'Sign in' })],
      '/auth/refresh': [() => json(401, { detail: 'No session' })],
    });
    const early = new EarlyRequests(fetchImpl);
    early.start('/auth/me', { keepRefusals: true });
    const http = new HttpClient('', early.fetch);
    await expect(http.request('/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(asked).toEqual(['/auth/me', '/auth/refresh']);
  });

  it('asks afresh once an early answer is older than the query cache keeps data fresh', async () => {
    let now = 0;
    const { fetchImpl, asked } = server({
      '/x': [() => json(200, { from: 'early' }), () => json(200, { from: 'now' })],
    });
    const early = new EarlyRequests(fetchImpl, () => now);
    early.start('/x');
    now = EARLY_ANSWER_LIFETIME_MS + 1;
    const response = await early.fetch('/x', { method: 'GET' });
    expect(await response.json()).toEqual({ from: 'now' });
    expect(asked).toHaveLength(2);
  });

  it('never answers a change from an early read', async () => {
    const { fetchImpl, asked } = server({ '/x': [() => json(200, 'read'), () => json(201, 'created')] });
    const early = new EarlyRequests(fetchImpl);
    early.start('/x');
    expect(await (await early.fetch('/x', { method: 'POST' })).json()).toBe('created');
    expect(await (await early.fetch('/x')).json()).toBe('read');
    expect(asked).toHaveLength(2);
  });

  it('falls back to the server when the early request could not reach it', async () => {
    const { fetchImpl } = server({ '/x': [] });
    const early = new EarlyRequests(fetchImpl);
    early.start('/x');
    await expect(early.fetch('/x')).rejects.toThrow('Failed to fetch');
  });
});

describe('the chart’s first screen', () => {
  it('recognises a chart’s address and its tab, not the registration page', () => {
    expect(chartAddress('/patients/p-1', '')).toEqual({ patientId: 'p-1', tab: 'conditions' });
    expect(chartAddress('/patients/p-1/', '?tab=vitals')).toEqual({ patientId: 'p-1', tab: 'vitals' });
    expect(chartAddress('/patients/new', '')).toBeUndefined();
    expect(chartAddress('/patients', '?q=Chartwell')).toBeUndefined();
    expect(chartAddress('/patients/p-1/history', '')).toBeUndefined();
  });

  it('asks for exactly the paths the chart’s own reads use, so the app finds them', async () => {
    const { fetchImpl, asked } = server({});
    const fhir = new FhirClient(new HttpClient('', fetchImpl));
    await fhir.read('Patient', 'p 1').catch(() => undefined);
    for (const type of [...CHART_BANNER_LISTS, 'Condition'] as const) {
      await fhir.search(type, chartSearchParams('p 1')).catch(() => undefined);
    }
    expect(chartFirstScreenPaths('p 1', 'conditions')).toEqual(asked);
    expect(chartFirstScreenPaths('p 1', 'vitals')).toEqual(asked.slice(0, 3));
  });

  it('reads a chart early only for a member of staff', () => {
    expect(opensStaffScreens({ roles: ['physician'] })).toBe(true);
    expect(opensStaffScreens({ roles: ['patient', 'front_desk'] })).toBe(true);
    expect(opensStaffScreens({ roles: ['patient'] })).toBe(false);
    expect(opensStaffScreens({ roles: [] })).toBe(false);
    expect(opensStaffScreens(null)).toBe(false);
  });
});
