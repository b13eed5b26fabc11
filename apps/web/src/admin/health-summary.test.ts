import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, requestRate, summariseMetrics } from './health-summary';
import { parsePrometheus } from './prometheus';

const METRICS = `# HELP meridian_process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE meridian_process_start_time_seconds gauge
meridian_process_start_time_seconds 1000
meridian_process_resident_memory_bytes 104857600
meridian_nodejs_eventloop_lag_p99_seconds 0.012
# TYPE meridian_http_requests_total counter
meridian_http_requests_total{method="GET",route="/fhir/R4/:type",status="200"} 90
meridian_http_requests_total{method="GET",route="/fhir/R4/:type",status="404"} 6
meridian_http_requests_total{method="POST",route="/fhir/R4/:type",status="500"} 4
meridian_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/fhir/R4/:type"} 80
meridian_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/fhir/R4/:type"} 96
meridian_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/fhir/R4/:type"} 96
meridian_http_request_duration_seconds_sum{method="GET",route="/fhir/R4/:type"} 0.96
meridian_http_request_duration_seconds_count{method="GET",route="/fhir/R4/:type"} 96
meridian_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/fhir/R4/:type"} 0
meridian_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/fhir/R4/:type"} 4
meridian_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/fhir/R4/:type"} 4
meridian_http_request_duration_seconds_sum{method="POST",route="/fhir/R4/:type"} 0.2
meridian_http_request_duration_seconds_count{method="POST",route="/fhir/R4/:type"} 4
`;

describe('parsePrometheus', () => {
  it('reads names, labels and values and skips comments', () => {
    const samples = parsePrometheus('# HELP x\nx_total{a="1",b="say \\"hi\\""} 3\ny +Inf\nbroken line here\n');
    expect(samples).toEqual([
      { name: 'x_total', labels: { a: '1', b: 'say "hi"' }, value: 3 },
      { name: 'y', labels: {}, value: Number.POSITIVE_INFINITY },
    ]);
  });
});

describe('summariseMetrics', () => {
  const summary = summariseMetrics(parsePrometheus(METRICS), 4_600_000);

  it('computes uptime, totals and error rates', () => {
    expect(summary.uptimeSeconds).toBe(3600);
    expect(summary.totalRequests).toBe(100);
    expect(summary.serverErrors).toBe(4);
    expect(summary.serverErrorRate).toBeCloseTo(0.04);
    expect(summary.clientErrorRate).toBeCloseTo(0.06);
    expect(summary.eventLoopLagP99Ms).toBeCloseTo(12);
  });

  it('gives mean latency overall and per route, and a p95 bound from the buckets', () => {
    expect(summary.meanMs).toBeCloseTo(11.6);
    expect(summary.p95Ms).toBeCloseTo(100);
    const post = summary.routes.find((route) => route.method === 'POST');
    expect(post).toMatchObject({ requests: 4, serverErrors: 4 });
    expect(post?.meanMs).toBeCloseTo(50);
    expect(summary.routes[0]?.requests).toBe(96);
  });

  it('reports a request rate only between two readings, and not across a restart', () => {
    const later = { ...summary, readAt: summary.readAt + 10_000, totalRequests: 150 };
    expect(requestRate(undefined, summary)).toBeUndefined();
    expect(requestRate(summary, later)).toBeCloseTo(5);
    expect(requestRate(later, { ...later, readAt: later.readAt + 1000, totalRequests: 3 })).toBeUndefined();
  });
});

describe('formatting', () => {
  it('writes durations and shares compactly', () => {
    expect(formatDuration(90_061)).toBe('1 d 1 h');
    expect(formatDuration(3_720)).toBe('1 h 2 min');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.0004)).toBe('<0.1%');
    expect(formatPercent(0.04)).toBe('4.0%');
  });
});
