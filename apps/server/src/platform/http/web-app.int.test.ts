import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app';
import { registerErrorHandler } from './error-handler';
import { registerWebApp, SERVER_PATHS } from './web-app';

const INDEX = '<!doctype html><html><body><div id="root"></div></body></html>';

async function appServing(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  registerErrorHandler(app);
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  await registerWebApp(app, { root });
  await app.ready();
  return app;
}

describe('the web application at /', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'meridian-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
    writeFileSync(join(root, 'assets', 'index-abc123.js.gz'), gzipSync('console.log("app")'));
    writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    app = await appServing(root);
  });

  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at / with a content security policy and no caching', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toBe(INDEX);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers the app for its own page addresses, so reloads and bookmarks work', async () => {
    for (const url of [
      '/patients',
      '/patients/9b1c5a3e-1d2f-4c1a-9d6e-0f3b2a1c4d5e?tab=allergies',
      '/console/system-health',
    ]) {
      const response = await app.inject({ method: 'GET', url, headers: { accept: 'text/html,*/*;q=0.8' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
    }
  });

  it('answers a 404 problem, not the app, to an API client asking for a page address', async () => {
    const response = await app.inject({ method: 'GET', url: '/patients', headers: { accept: 'application/json' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('serves hashed assets with a long cache and other files with a short one', async () => {
    const script = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('sends the precompressed copy to browsers that accept it', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(gunzipSync(response.rawPayload).toString()).toBe('console.log("app")');
  });

  it('answers 404 for a missing file instead of the app', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/missing-123.js' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });

  it('never shadows the server’s own paths, even ones that do not exist', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    for (const prefix of SERVER_PATHS) {
      const response = await app.inject({ method: 'GET', url: `${prefix}/no/such/thing` });
      expect(response.statusCode, prefix).toBe(404);
      expect(response.body, prefix).not.toContain('<div id="root">');
    }
    const fhir = await app.inject({ method: 'GET', url: '/fhir/R4/Patient/a/b/c/d' });
    expect(fhir.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('does not serve files outside its folder', async () => {
    for (const url of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body, url).not.toContain('"name"');
      expect(response.body, url).not.toContain('root:');
    }
  });

  it('leaves other methods to the API', async () => {
    const response = await app.inject({ method: 'POST', url: '/patients' });
    expect(response.statusCode).toBe(404);
  });
});

describe('without a built web application', () => {
  it('still starts, and / says how to build the app', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'meridian-web-empty-'));
    const app = await appServing(join(empty, 'dist'));
    try {
      const response = await app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build -w apps/web');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('wired into Meridian', () => {
  let meridian: TestApp;
  beforeAll(async () => {
    meridian = await createTestApp();
  });
  afterAll(async () => {
    await meridian.close();
  });

  it('answers HTML at / and keeps FHIR errors as OperationOutcome', async () => {
    const page = await meridian.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const missing = await meridian.app.inject({ method: 'GET', url: '/fhir/R4/Patient/x/y/z' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    const metadata = await meridian.app.inject({ method: 'GET', url: '/fhir/R4/metadata' });
    expect(metadata.json()).toMatchObject({ resourceType: 'CapabilityStatement' });
  });
});
