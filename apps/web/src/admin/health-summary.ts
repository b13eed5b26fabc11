import type { Sample } from './prometheus';

const PREFIX = 'meridian_';

export interface RouteStats {
  method: string;
  route: string;
  requests: number;
  serverErrors: number;
  clientErrors: number;
  /** Mean time to answer, in milliseconds. */
  meanMs?: number;
}

export interface HealthSummary {
  /** When these numbers were read (ms since epoch), for rates between two readings. */
  readAt: number;
  uptimeSeconds?: number;
  totalRequests: number;
  clientErrors: number;
  serverErrors: number;
  /** Share of requests answered 5xx, 0..1. */
  serverErrorRate: number;
  clientErrorRate: number;
  meanMs?: number;
  /** Estimated from the latency histogram's buckets (an upper bound). */
  p95Ms?: number;
  residentMemoryBytes?: number;
  heapUsedBytes?: number;
  eventLoopLagP99Ms?: number;
  routes: RouteStats[];
}

function single(samples: Sample[], name: string): number | undefined {
  return samples.find((sample) => sample.name === `${PREFIX}${name}`)?.value;
}

/** p-quantile upper bound from cumulative histogram buckets summed over all label sets. */
function quantileFromBuckets(buckets: Sample[], quantile: number): number | undefined {
  const byBound = new Map<number, number>();
  for (const bucket of buckets) {
    const bound = bucket.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(bucket.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + bucket.value);
  }
  const bounds = [...byBound.entries()].sort((a, b) => a[0] - b[0]);
  const total = bounds.at(-1)?.[1];
  if (!total) return undefined;
  const wanted = total * quantile;
  const found = bounds.find(([, count]) => count >= wanted);
  if (!found) return undefined;
  if (found[0] !== Number.POSITIVE_INFINITY) return found[0];
  // Past the largest bucket: the largest finite bound is all we can say.
  return bounds.filter(([bound]) => Number.isFinite(bound)).at(-1)?.[0];
}

/** The numbers the System health screen shows, from one reading of /metrics. */
export function summariseMetrics(samples: Sample[], readAt: number): HealthSummary {
  const startTime = single(samples, 'process_start_time_seconds');
  const routes = new Map<string, RouteStats>();
  let totalRequests = 0;
  let clientErrors = 0;
  let serverErrors = 0;
  for (const sample of samples) {
    if (sample.name !== `${PREFIX}http_requests_total`) continue;
    const { method = '?', route = 'unmatched', status = '' } = sample.labels;
    const key = `${method} ${route}`;
    const stats = routes.get(key) ?? { method, route, requests: 0, serverErrors: 0, clientErrors: 0 };
    stats.requests += sample.value;
    totalRequests += sample.value;
    if (status.startsWith('5')) {
      stats.serverErrors += sample.value;
      serverErrors += sample.value;
    } else if (status.startsWith('4')) {
      stats.clientErrors += sample.value;
      clientErrors += sample.value;
    }
    routes.set(key, stats);
  }
  let durationSum = 0;
  let durationCount = 0;
  for (const sample of samples) {
    const key = `${sample.labels.method ?? '?'} ${sample.labels.route ?? 'unmatched'}`;
    if (sample.name === `${PREFIX}http_request_duration_seconds_sum`) {
      durationSum += sample.value;
      const stats = routes.get(key);
      if (stats) stats.meanMs = sample.value * 1000;
    } else if (sample.name === `${PREFIX}http_request_duration_seconds_count`) {
      durationCount += sample.value;
      const stats = routes.get(key);
      if (stats?.meanMs !== undefined) stats.meanMs = sample.value ? stats.meanMs / sample.value : undefined;
    }
  }
  const buckets = samples.filter((sample) => sample.name === `${PREFIX}http_request_duration_seconds_bucket`);
  const p95 = quantileFromBuckets(buckets, 0.95);
  const lag = single(samples, 'nodejs_eventloop_lag_p99_seconds');
  const resident = single(samples, 'process_resident_memory_bytes');
  const heap = single(samples, 'nodejs_heap_size_used_bytes');
  return {
    readAt,
    ...(startTime !== undefined ? { uptimeSeconds: Math.max(0, readAt / 1000 - startTime) } : {}),
    totalRequests,
    clientErrors,
    serverErrors,
    serverErrorRate: totalRequests ? serverErrors / totalRequests : 0,
    clientErrorRate: totalRequests ? clientErrors / totalRequests : 0,
    ...(durationCount ? { meanMs: (durationSum / durationCount) * 1000 } : {}),
    ...(p95 !== undefined ? { p95Ms: p95 * 1000 } : {}),
    ...(resident !== undefined ? { residentMemoryBytes: resident } : {}),
    ...(heap !== undefined ? { heapUsedBytes: heap } : {}),
    ...(lag !== undefined ? { eventLoopLagP99Ms: lag * 1000 } : {}),
    routes: [...routes.values()].sort((a, b) => b.requests - a.requests),
  };
}

/** Requests per second between two readings; undefined until there are two. */
export function requestRate(previous: HealthSummary | undefined, current: HealthSummary): number | undefined {
  if (!previous) return undefined;
  const seconds = (current.readAt - previous.readAt) / 1000;
  const delta = current.totalRequests - previous.totalRequests;
  // A restart resets the counters; a negative delta says nothing about the rate.
  if (seconds <= 0 || delta < 0) return undefined;
  return delta / seconds;
}

export function formatDuration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h ${minutes} min`;
  if (minutes) return `${minutes} min`;
  return `${Math.floor(seconds)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

export function formatPercent(share: number): string {
  if (share === 0) return '0%';
  if (share < 0.001) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}
