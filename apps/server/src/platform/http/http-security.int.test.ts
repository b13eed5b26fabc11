import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../../../test/test-app';

const apps: TestApp[] = [];
async function appWith(...args: Parameters<typeof createTestApp>): Promise<TestApp> {
  const app = await createTestApp(...args);
  apps.push(app);
  return app;
}
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('rate limits', () => {
  it('limits each user on their own, answers 429 with Retry-After and a problem body', async () => {
    const app = await appWith({ authRequired: true, rateLimitPerMinute: 3, rateLimitLoginPerMinute: 50 });
    const alice = await signIn(app, { role: 'physician' });
    const bob = await signIn(app, { role: 'physician' });
    for (let i = 0; i < 3; i++) expect((await alice.request('GET', '/auth/me')).statusCode).toBe(200);
    const limited = await alice.request('GET', '/auth/me');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // FHIR routes answer an OperationOutcome.
    const fhir = await alice.fhir.get('Patient');
    expect(fhir.statusCode).toBe(429);
    expect(fhir.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'throttled' }] });
    // Bob has a bucket of his own.
    expect((await bob.request('GET', '/auth/me')).statusCode).toBe(200);
    // The local CLI on the server machine is not limited.
    for (let i = 0; i < 5; i++) {
      const res = await app.app.inject({
        method: 'GET',
        url: '/fhir/R4/Patient',
        headers: { authorization: `Bearer ${app.localAdminToken}` },
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('limits anonymous callers by address, and sign-ins far more strictly', async () => {
    const app = await appWith({ authRequired: true, rateLimitPerMinute: 4, rateLimitLoginPerMinute: 2 });
    const from = (remoteAddress: string) => ({ method: 'GET' as const, url: '/healthz', remoteAddress });
    for (let i = 0; i < 4; i++) expect((await app.app.inject(from('10.0.0.1'))).statusCode).toBe(200);
    expect((await app.app.inject(from('10.0.0.1'))).statusCode).toBe(429);
    expect((await app.app.inject(from('10.0.0.2'))).statusCode).toBe(200);
    // The web app's files are not counted: a page load fetches many at once.
    const page = await app.app.inject({ method: 'GET', url: '/', remoteAddress: '10.0.0.1' });
    expect(page.statusCode).not.toBe(429);

    const login = () =>
      app.app.inject({
        method: 'POST',
        url: '/auth/login',
        remoteAddress: '10.0.0.9',
        payload: { email: 'nobody@example.org', password: 'wrong password here' },
      });
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    const third = await login();
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('RATE_LIMITED');
  });

  it('shares counters between servers through Redis', async () => {
    const prefix = `meridian-test-${randomUUID()}:`;
    const settings = {
      authRequired: true,
      rateLimitPerMinute: 3,
      redisUrl: 'redis://127.0.0.1:6379',
      rateLimitRedisPrefix: prefix,
    };
    const one = await appWith(settings);
    const two = await appWith(settings);
    const call = (app: TestApp) => app.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.1.1.1' });
    expect((await call(one)).statusCode).toBe(200);
    expect((await call(two)).statusCode).toBe(200);
    expect((await call(one)).statusCode).toBe(200);
    expect((await call(two)).statusCode).toBe(429);
    const redis = new Redis('redis://127.0.0.1:6379');
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
});

describe('security headers', () => {
  it('sends a CSP the web app and Swagger UI work under, and HSTS only behind TLS', async () => {
    const app = await appWith();
    const docs = await app.app.inject({ method: 'GET', url: '/docs/', headers: { accept: 'text/html' } });
    expect(docs.statusCode).toBe(200);
    const csp = String(docs.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('form-action');
    // Swagger UI loads only its own files, which the policy allows.
    for (const src of docs.body.match(/(?:src|href)="([^"]+)"/g) ?? []) {
      expect(src).not.toMatch(/https?:\/\//);
    }
    const script = await app.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(script.statusCode).toBe(200);
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['strict-transport-security']).toBeUndefined();

    const behindTls = await appWith({ baseUrl: 'https://meridian.example.org' });
    const res = await behindTls.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });
});

describe('CORS', () => {
  it('sends no CORS headers unless origins are configured', async () => {
    const app = await appWith();
    const res = await app.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://evil.example.org' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins, with credentials only when enabled', async () => {
    const app = await appWith({ corsOrigins: ['https://app.example.org'] });
    const allowed = await app.app.inject({
      method: 'OPTIONS',
      url: '/fhir/R4/Patient',
      headers: {
        origin: 'https://app.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
    const read = await app.app.inject({
      method: 'GET',
      url: '/fhir/R4/metadata',
      headers: { origin: 'https://app.example.org' },
    });
    expect(read.headers['access-control-allow-origin']).toBe('https://app.example.org');
    expect(String(read.headers['access-control-expose-headers'])).toContain('location');
    const other = await app.app.inject({
      method: 'GET',
      url: '/fhir/R4/metadata',
      headers: { origin: 'https://evil.example.org' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();

    const withCookies = await appWith({ corsOrigins: ['https://app.example.org'], corsAllowCredentials: true });
    const res = await withCookies.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://app.example.org' },
    });
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });
});
