import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  fhirClient,
  localAdmin,
  newTenantId,
  type SignedIn,
  signIn,
  type TestApp,
} from '../../../test/test-app';
import { testClock } from '../../../test/test-clock';

// A controllable clock: TOTP steps and lockouts are tested by moving it.
const { now, advance, epochSeconds } = testClock('2030-03-01T09:00:00.000Z');

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true, loginMaxFailures: 3, loginLockoutSeconds: 60 }, { now });
});
afterAll(async () => app?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Tenant {
  id: string;
  name: string;
  slug: string;
}

async function newTenant(label: string): Promise<Tenant> {
  const suffix = randomUUID().slice(0, 8);
  return localAdmin<Tenant>(app, 'tenants', { name: `${label} ${suffix}`, slug: `${label.toLowerCase()}-${suffix}` });
}

/** A person signed in to tenant A who is also a member of tenant B (with `roleInB`). */
async function memberOfTwo(roleInB = 'physician'): Promise<{ user: SignedIn; a: Tenant; b: Tenant }> {
  const a = await newTenant('Harbour');
  const b = await newTenant('Upland');
  const user = await signIn(app, { role: 'physician', tenantId: a.id });
  await localAdmin(app, 'users', { tenant: b.id, email: user.email, role: roleInB });
  return { user, a, b };
}

function switchTenant(token: string, body: Record<string, unknown>) {
  return app.app.inject({ method: 'POST', url: '/auth/switch-tenant', headers: bearer(token), payload: body });
}

/** A patient created in `tenantId` by the server's own operator (the CLI's token). */
async function patientIn(tenantId: string, family: string): Promise<string> {
  const operator = fhirClient(app, tenantId, bearer(app.localAdminToken));
  const patient = await operator.create<Patient>({ resourceType: 'Patient', name: [{ family, given: ['Ada'] }] });
  return patient.id;
}

async function auditOf(tenantId: string, userId: string) {
  const rows = await app.db.asOwner((db) =>
    db.query<{ action: string; outcome: string; detail: string | null }>(
      `SELECT action, outcome, detail FROM audit_event
        WHERE tenant_id = $1 AND user_id = $2 AND action IN ('login', 'logout', 'login-failed') ORDER BY seq`,
      [tenantId, userId],
    ),
  );
  return rows.rows;
}

describe('switching tenant', () => {
  it('moves the sign-in to the other tenant: the new token sees only that tenant’s patients', async () => {
    const { user, a, b } = await memberOfTwo();
    const family = `Switchwell${randomUUID().slice(0, 6)}`;
    const inA = await patientIn(a.id, family);
    const inB = await patientIn(b.id, family);
    expect((await user.fhir.get(`Patient/${inA}`)).statusCode).toBe(200);
    expect((await user.fhir.get(`Patient/${inB}`)).statusCode).toBe(404);

    const listed = await user.request('GET', '/auth/tenants');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().tenants).toEqual([
      { id: a.id, name: a.name, slug: a.slug, roles: ['physician'], current: true },
      { id: b.id, name: b.name, slug: b.slug, roles: ['physician'], current: false },
    ]);

    // By slug, as sign-in takes it.
    const res = await switchTenant(user.accessToken, { tenant: b.slug });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const tokens = res.json();
    expect(tokens).toMatchObject({ tenant: b.id, token_type: 'Bearer', scope: 'user/*.*' });
    expect(tokens.refresh_token).toMatch(new RegExp(`^${b.id}\\.`));

    const me = await app.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(tokens.access_token) });
    expect(me.json()).toMatchObject({ userId: user.userId, tenantId: b.id, tenantName: b.name, email: user.email });

    // Tenant isolation: B's patient is there, A's is not, whatever header asks for A.
    const inNewTenant = fhirClient(app, undefined, bearer(tokens.access_token));
    expect((await inNewTenant.get(`Patient/${inB}`)).statusCode).toBe(200);
    expect((await inNewTenant.get(`Patient/${inA}`)).statusCode).toBe(404);
    expect((await inNewTenant.get(`Patient/${inA}`, { 'x-meridian-tenant': a.id })).statusCode).toBe(404);
    const found = (await inNewTenant.get(`Patient?family=${family}`)).json();
    expect(found.entry.map((entry: { resource: Patient }) => entry.resource.id)).toEqual([inB]);

    const afterwards = await app.app.inject({
      method: 'GET',
      url: '/auth/tenants',
      headers: bearer(tokens.access_token),
    });
    expect(afterwards.json().tenants.map((t: { id: string; current: boolean }) => [t.id, t.current])).toEqual([
      [a.id, false],
      [b.id, true],
    ]);
  });

  it('ends the old sign-in: its access and refresh tokens stop working; the new refresh token rotates', async () => {
    const { user, b } = await memberOfTwo();
    const tokens = (await switchTenant(user.accessToken, { tenant: b.id })).json();
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(401);
    const oldRefresh = await app.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: user.refreshToken },
    });
    expect(oldRefresh.statusCode).toBe(401);
    expect(oldRefresh.json().code).toBe('AUTH_REFRESH_INVALID');

    const renewed = await app.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
    });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json().tenant).toBe(b.id);
  });

  it('records leaving in the old tenant and arriving in the new one', async () => {
    const { user, a, b } = await memberOfTwo();
    expect((await switchTenant(user.accessToken, { tenant: b.id })).statusCode).toBe(200);
    expect(await auditOf(a.id, user.userId)).toEqual([
      { action: 'login', outcome: 'success', detail: 'password' },
      { action: 'logout', outcome: 'success', detail: `tenant-switch to ${b.id}` },
    ]);
    expect(await auditOf(b.id, user.userId)).toEqual([
      { action: 'login', outcome: 'success', detail: `tenant-switch from ${a.id}` },
    ]);
  });

  it('gives the new sign-in the roles held in the new tenant and the old sign-in’s end, never a later one', async () => {
    const { user, b } = await memberOfTwo('front_desk');
    // A minute later: a fresh sign-in would end a minute later too; the switched one does not.
    advance(60);
    const tokens = (await switchTenant(user.accessToken, { tenant: b.id })).json();
    const me = await app.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(tokens.access_token) });
    expect(me.json().roles).toEqual(['front_desk']);
    const sessions = await app.db.asOwner((db) =>
      db.query<{ tenant_id: string; expires_at: string | Date }>(
        'SELECT tenant_id, expires_at FROM auth_session WHERE user_id = $1 ORDER BY created_at',
        [user.userId],
      ),
    );
    const [first, second] = sessions.rows.map((row) => new Date(row.expires_at).toISOString());
    expect(sessions.rows.map((row) => row.tenant_id)).toEqual([user.tenantId, b.id]);
    expect(second).toBe(first);
  });

  it('works for a browser sign-in: new cookies replace the old, and the change needs the CSRF header', async () => {
    const { user, b } = await memberOfTwo();
    const login = await app.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: user.password, tenant: user.tenantId, session: 'cookie' },
    });
    const cookies = Object.fromEntries(login.cookies.map((cookie) => [cookie.name, cookie.value]));
    const cookieHeader = `meridian_session=${cookies.meridian_session}; meridian_csrf=${cookies.meridian_csrf}`;
    const send = (headers: Record<string, string>) =>
      app.app.inject({ method: 'POST', url: '/auth/switch-tenant', headers, payload: { tenant: b.id } });

    const noCsrf = await send({ cookie: cookieHeader });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('AUTH_CSRF');

    const res = await send({ cookie: cookieHeader, 'x-csrf-token': login.json().csrf_token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ tenant: b.id, csrf_header: 'x-csrf-token' });
    expect(res.json().access_token).toBeUndefined();
    const next = Object.fromEntries(res.cookies.map((cookie) => [cookie.name, cookie]));
    expect(next.meridian_session).toMatchObject({ httpOnly: true, path: '/' });
    expect(next.meridian_refresh).toMatchObject({ httpOnly: true, path: '/auth' });

    const me = (cookie: string) => app.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } });
    expect((await me(`meridian_session=${next.meridian_session!.value}`)).json().tenantId).toBe(b.id);
    expect((await me(`meridian_session=${cookies.meridian_session}`)).statusCode).toBe(401);
  });

  it('lets one of two switches at the same moment through, never both', async () => {
    const { user, b } = await memberOfTwo();
    const answers = await Promise.all([
      switchTenant(user.accessToken, { tenant: b.id }),
      switchTenant(user.accessToken, { tenant: b.id }),
    ]);
    expect(answers.map((res) => res.statusCode).sort()).toEqual([200, 401]);
    const opened = await app.db.asOwner((db) =>
      db.query('SELECT 1 FROM auth_session WHERE tenant_id = $1 AND user_id = $2', [b.id, user.userId]),
    );
    expect(opened.rows).toHaveLength(1);
  });
});

describe('refusals', () => {
  it('refuses a tenant the person is not a member of, and an unknown one alike; the sign-in goes on', async () => {
    const { user, a } = await memberOfTwo();
    const elsewhere = await newTenant('Elsewhere');
    const notMember = await switchTenant(user.accessToken, { tenant: elsewhere.slug });
    expect(notMember.statusCode).toBe(403);
    expect(notMember.json()).toMatchObject({ code: 'AUTH_SWITCH_NOT_MEMBER', status: 403 });
    expect(notMember.json().requestId).toBeTruthy();
    const unknown = await switchTenant(user.accessToken, { tenant: 'no-such-clinic' });
    expect(unknown.statusCode).toBe(403);
    expect(unknown.json().detail).toBe(notMember.json().detail);

    expect((await user.request('GET', '/auth/me')).json().tenantId).toBe(a.id);
    const refusals = (await auditOf(a.id, user.userId)).filter((row) => row.action === 'login-failed');
    expect(refusals).toEqual([
      { action: 'login-failed', outcome: 'denied', detail: 'tenant-switch: not-member' },
      { action: 'login-failed', outcome: 'denied', detail: 'tenant-switch: not-member' },
    ]);
  });

  it('refuses a deactivated account, even with a sign-in still open', async () => {
    const { user, b } = await memberOfTwo();
    await app.db.asOwner((db) => db.query('UPDATE app_user SET disabled = true WHERE id = $1', [user.userId]));
    const res = await switchTenant(user.accessToken, { tenant: b.id });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('AUTH_SWITCH_NOT_MEMBER');
    const opened = await app.db.asOwner((db) =>
      db.query('SELECT 1 FROM auth_session WHERE tenant_id = $1 AND user_id = $2', [b.id, user.userId]),
    );
    expect(opened.rows).toHaveLength(0);
  });

  it('refuses the tenant already in use, and a malformed body, naming the field', async () => {
    const { user, a } = await memberOfTwo();
    const same = await switchTenant(user.accessToken, { tenant: a.id });
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({ code: 'IDENTITY_INVALID_REQUEST', path: 'tenant' });
    const missing = await switchTenant(user.accessToken, {});
    expect(missing.json()).toMatchObject({ code: 'IDENTITY_INVALID_REQUEST', path: 'tenant' });
    const badCode = await switchTenant(user.accessToken, { tenant: a.id, totp: '12ab' });
    expect(badCode.json()).toMatchObject({ code: 'IDENTITY_INVALID_REQUEST', path: 'totp' });
  });

  it('is for people signed in themselves: not service clients, not anonymous callers', async () => {
    const tenantId = newTenantId();
    await signIn(app, { role: 'tenant_admin', tenantId });
    const client = await localAdmin<{ client_id: string; client_secret: string }>(app, 'clients', {
      tenant: tenantId,
      name: 'lab interface',
      role: 'system',
    });
    const token = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString(),
    });
    const clientToken = token.json().access_token as string;
    const res = await switchTenant(clientToken, { tenant: app.tenantId });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('AUTH_SWITCH_FORBIDDEN');
    const listed = await app.app.inject({ method: 'GET', url: '/auth/tenants', headers: bearer(clientToken) });
    expect(listed.json().code).toBe('AUTH_SWITCH_FORBIDDEN');

    const anonymous = await app.app.inject({ method: 'POST', url: '/auth/switch-tenant', payload: { tenant: 'x' } });
    expect(anonymous.json().code).toBe('AUTH_REQUIRED');
  });
});

describe('two-factor', () => {
  async function withTotp(user: SignedIn): Promise<string> {
    const { secret } = (await user.request('POST', '/auth/mfa/totp')).json();
    const code = await generate({ secret, epoch: epochSeconds() });
    expect((await user.request('POST', '/auth/mfa/totp/verify', { code })).statusCode).toBe(200);
    return secret;
  }
  const codeNow = (secret: string) => generate({ secret, epoch: epochSeconds() });

  it('asks every switch for a fresh code, refuses a wrong or replayed one, and keeps the sign-in meanwhile', async () => {
    const { user, a, b } = await memberOfTwo();
    const secret = await withTotp(user);

    const withoutCode = await switchTenant(user.accessToken, { tenant: b.id });
    expect(withoutCode.statusCode).toBe(403);
    expect(withoutCode.json().code).toBe('AUTH_SWITCH_MFA_REQUIRED');
    advance(30);
    const code = await codeNow(secret);
    const wrong = await switchTenant(user.accessToken, { tenant: b.id, totp: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('AUTH_SWITCH_MFA_INVALID');
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(200);

    const right = await switchTenant(user.accessToken, { tenant: b.id, totp: code });
    expect(right.statusCode, right.body).toBe(200);
    expect((await auditOf(b.id, user.userId)).at(-1)).toEqual({
      action: 'login',
      outcome: 'success',
      detail: `tenant-switch from ${a.id} (totp)`,
    });
    expect((await auditOf(a.id, user.userId)).filter((row) => row.action === 'login-failed')).toEqual([
      { action: 'login-failed', outcome: 'failure', detail: 'tenant-switch: wrong-totp' },
    ]);

    // Back again with the code already used: refused; a fresh one works.
    const inB = right.json().access_token as string;
    const replay = await switchTenant(inB, { tenant: a.id, totp: code });
    expect(replay.json().code).toBe('AUTH_SWITCH_MFA_INVALID');
    advance(30);
    expect((await switchTenant(inB, { tenant: a.id, totp: await codeNow(secret) })).statusCode).toBe(200);
  });

  it('locks the account after repeated wrong codes, as sign-in does', async () => {
    const { user, b } = await memberOfTwo();
    const secret = await withTotp(user);
    advance(30);
    const code = await codeNow(secret);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt < app.config.loginMaxFailures; attempt += 1) {
      expect((await switchTenant(user.accessToken, { tenant: b.id, totp: wrong })).statusCode).toBe(403);
    }
    const locked = await switchTenant(user.accessToken, { tenant: b.id, totp: wrong });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('AUTH_ACCOUNT_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBe(60);
    // Locked: even the right code waits.
    expect((await switchTenant(user.accessToken, { tenant: b.id, totp: code })).statusCode).toBe(429);
  });
});

describe('signing in to one of several tenants', () => {
  it('names the tenants when it asks which one', async () => {
    const { user, a, b } = await memberOfTwo();
    const res = await app.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: user.password },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'AUTH_TENANT_CHOICE',
      tenants: [a.id, b.id],
    });
    expect(res.json().choices).toEqual([
      { id: a.id, name: a.name },
      { id: b.id, name: b.name },
    ]);
  });
});

describe('rate limits', () => {
  it('counts switches with sign-ins, per address', async () => {
    const limited = await createTestApp({ authRequired: true, rateLimitPerMinute: 100, rateLimitLoginPerMinute: 3 });
    try {
      const tenant = await localAdmin<Tenant>(limited, 'tenants', { name: 'Limited clinic' });
      const user = await signIn(limited, { role: 'nurse' });
      await localAdmin(limited, 'users', { tenant: tenant.id, email: user.email, role: 'nurse' });
      const from = (ip: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/auth/switch-tenant',
          remoteAddress: ip,
          headers: bearer(user.accessToken),
          payload: { tenant: 'no-such-clinic' },
        });
      for (let attempt = 0; attempt < 3; attempt += 1) expect((await from('10.9.0.1')).statusCode).toBe(403);
      const fourth = await from('10.9.0.1');
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().code).toBe('RATE_LIMITED');
      expect((await from('10.9.0.2')).statusCode).toBe(403);
    } finally {
      await limited.close();
    }
  });
});
