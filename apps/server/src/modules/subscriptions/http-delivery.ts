/** One POST to an integrator's endpoint: success is any 2xx within the timeout. Never follows redirects. */
export async function postTo(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'user-agent': 'Meridian', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, status: response.status, error: `answered ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    return { ok: false, error: (cause || 'request failed').slice(0, 300) };
  }
}

/** Back-off: base, 2×base, 4×base … capped at one hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}
