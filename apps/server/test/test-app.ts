import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp, type MeridianApp } from '../src/app';
import { type Config, testConfig } from '../src/config';
import { createPgliteDatabase, createPostgresDatabase, type Database } from '../src/platform/db';
import { onServer, uniqueDatabaseName, withDatabase } from './test-database';

export interface TestApp extends MeridianApp {
  db: Database;
  config: Config;
  /** The development tenant every request is scoped to unless X-Meridian-Tenant says otherwise. */
  tenantId: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database of the engine under test (PGlite, or PostgreSQL when TEST_DATABASE_URL is
 * set) with Meridian built on it. Each call is isolated from every other.
 */
export async function createTestDatabase(): Promise<{ db: Database; url?: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = inject('postgresTemplate');
    const name = uniqueDatabaseName(url);
    await onServer(url, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
    const db = createPostgresDatabase({ url: withDatabase(url, name), poolSize: 8 });
    return {
      db,
      // Its own address, for tests that open connections of their own (LISTEN/NOTIFY).
      url: withDatabase(url, name),
      async drop() {
        await db.close();
        await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      },
    };
  }
  const file = inject('pgliteTemplate');
  if (!file) throw new Error('The test global setup did not build a database template');
  const db = await createPgliteDatabase({ loadDataDir: new Blob([readFileSync(file)]) });
  return { db, drop: () => db.close() };
}

export interface TestAppOptions {
  /** Adds routes or hooks before the app is sealed (tests of platform behaviour). */
  beforeReady?: (app: MeridianApp['app']) => void;
  /** A controllable clock (token expiry, lockouts, TOTP steps). */
  now?: () => Date;
}

export async function createTestApp(overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const { db, drop } = await createTestDatabase();
  const config = testConfig({ tenantHeader: true, ...overrides });
  const built = await buildApp(config, { db, ...(options.now ? { now: options.now } : {}) });
  options.beforeReady?.(built.app);
  await built.app.ready();
  return {
    ...built,
    db,
    config,
    tenantId: config.defaultTenant,
    async close() {
      await built.app.close();
      await drop();
    },
  };
}

export function newTenantId(): string {
  return randomUUID();
}

export const FHIR = '/fhir/R4';

/** Small helpers for FHIR calls through app.inject(). */
export function fhirClient(app: TestApp, tenantId?: string, baseHeaders: Record<string, string> = {}) {
  const headers = (extra: Record<string, string> = {}) => ({
    accept: 'application/fhir+json',
    ...(tenantId ? { 'x-meridian-tenant': tenantId } : {}),
    ...baseHeaders,
    ...extra,
  });
  const send = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app.app.inject({
      method,
      url: `${FHIR}/${path.replace(/^\//, '')}`,
      headers: headers({
        ...(body !== undefined
          ? { 'content-type': method === 'PATCH' ? 'application/json-patch+json' : 'application/fhir+json' }
          : {}),
        ...extra,
      }),
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  return {
    get: (path: string, extra?: Record<string, string>) => send('GET', path, undefined, extra),
    post: (path: string, body: unknown, extra?: Record<string, string>) => send('POST', path, body, extra),
    put: (path: string, body: unknown, extra?: Record<string, string>) => send('PUT', path, body, extra),
    patch: (path: string, body: unknown, extra?: Record<string, string>) => send('PATCH', path, body, extra),
    delete: (path: string, extra?: Record<string, string>) => send('DELETE', path, undefined, extra),
    /** Creates a resource and returns it as stored (fails the test on anything but 201). */
    async create<T extends Resource>(resource: T): Promise<T & { id: string }> {
      const res = await send('POST', resource.resourceType, resource);
      if (res.statusCode !== 201)
        throw new Error(`create ${resource.resourceType} failed: ${res.statusCode} ${res.body}`);
      return res.json();
    },
  };
}

export interface SignedIn {
  userId: string;
  email: string;
  password: string;
  tenantId: string;
  accessToken: string;
  refreshToken: string;
  /** FHIR calls carrying the bearer token (and no tenant header: the token names the tenant). */
  fhir: ReturnType<typeof fhirClient>;
  /** Any call with the bearer token. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/** Runs a local admin call (what the meridian CLI does) and returns the parsed answer. */
export async function localAdmin<T = any>(app: TestApp, path: string, body?: unknown): Promise<T> {
  const res = await app.app.inject({
    method: 'POST',
    url: `/admin/local/${path.replace(/^\//, '')}`,
    headers: { authorization: `Bearer ${app.localAdminToken}` },
    ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`local admin ${path} failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

let userCounter = 0;

/**
 * Creates a user with `role` in `tenantId` (the tenant too, when new) and signs them in. For apps built
 * with `createTestApp({ authRequired: true })`, though sign-in works on any test app.
 */
export async function signIn(
  app: TestApp,
  options: { role: string; tenantId?: string; email?: string; password?: string } = { role: 'physician' },
): Promise<SignedIn> {
  const tenantId = options.tenantId ?? app.tenantId;
  await app.tenants.ensure(tenantId, `Tenant ${tenantId}`);
  userCounter += 1;
  const email = options.email ?? `${options.role}-${userCounter}-${randomUUID().slice(0, 8)}@example.org`;
  const password = options.password ?? `correct horse ${randomUUID()}`;
  const user = await localAdmin<{ id: string }>(app, 'users', {
    tenant: tenantId,
    email,
    role: options.role,
    password,
  });
  const login = await app.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password, tenant: tenantId },
  });
  if (login.statusCode !== 200) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
  const tokens = login.json() as { access_token: string; refresh_token: string };
  const authorization = `Bearer ${tokens.access_token}`;
  return {
    userId: user.id,
    email,
    password,
    tenantId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    fhir: fhirClient(app, undefined, { authorization }),
    request: (method, url, body) =>
      app.app.inject({
        method,
        url,
        headers: { authorization },
        ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}),
      }),
  };
}
