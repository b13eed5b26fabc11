import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, localAdmin, signIn, type TestApp } from '../../../test/test-app';
import { testClock } from '../../../test/test-clock';

// A controllable clock: lockouts, TOTP steps and token expiry are all tested by moving it.
const { now, advance, epochSeconds } = testClock('2030-01-01T10:00:00.000Z');

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true, loginMaxFailures: 3, loginLockoutSeconds: 60 }, { now });
});
afterAll(async () => app?.close());

const login = (payload: Record<string, unknown>) => app.app.inject({ method: 'POST', url: '/auth/login', payload });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('password sign-in', () => {
  it('signs in with the right password and answers who the caller is', async () => {
    const user = await signIn(app, { role: 'nurse' });
    const me = await user.request('GET', '/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ userId: user.userId, tenantId: app.tenantId, roles: ['nurse'], kind: 'user' });
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    const user = await signIn(app, { role: 'nurse' });
    const wrong = await login({ email: user.email, password: 'not the password at all' });
    const unknown = await login({ email: 'nobody@example.org', password: 'not the password at all' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe('AUTH_INVALID_CREDENTIALS');
    expect(unknown.json().detail).toBe(wrong.json().detail);
  });

  it('stores passwords as argon2id hashes', async () => {
    const user = await signIn(app, { role: 'billing' });
    const stored = await app.db.asOwner((db) =>
      db.query<{ password_hash: string }>('SELECT password_hash FROM app_user WHERE id = $1', [user.userId]),
    );
    expect(stored.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
    expect(stored.rows[0]!.password_hash).not.toContain(user.password);
  });

  it('refuses weak passwords with the reasons', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/admin/local/users',
      headers: bearer(app.localAdminToken),
      payload: { tenant: app.tenantId, email: 'weak@example.org', role: 'nurse', password: 'password1234' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('IDENTITY_WEAK_PASSWORD');
    expect(res.json().reasons).toContain('this password is too common');
    const short = await app.app.inject({
      method: 'POST',
      url: '/admin/local/users',
      headers: bearer(app.localAdminToken),
      payload: { tenant: app.tenantId, email: 'weak@example.org', role: 'nurse', password: 'Xy7!' },
    });
    expect(short.json().reasons).toContain('use at least 12 characters');
  });

  it('locks the account after repeated failures, refuses even the right password, and backs off', async () => {
    const user = await signIn(app, { role: 'front_desk' });
    for (let i = 0; i < 2; i++) {
      expect((await login({ email: user.email, password: 'wrong password here' })).statusCode).toBe(401);
    }
    const third = await login({ email: user.email, password: 'wrong password here' });
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('AUTH_ACCOUNT_LOCKED');
    expect(Number(third.headers['retry-after'])).toBe(60);

    const whileLocked = await login({ email: user.email, password: user.password });
    expect(whileLocked.statusCode).toBe(429);

    advance(61);
    // One more failure after the lock ends locks again, for twice as long.
    const again = await login({ email: user.email, password: 'wrong password here' });
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBe(120);
    advance(121);
    const ok = await login({ email: user.email, password: user.password });
    expect(ok.statusCode).toBe(200);
    // A success clears the count: the next failure is an ordinary one.
    expect((await login({ email: user.email, password: 'wrong password here' })).statusCode).toBe(401);
  });

  it('records sign-ins and failed sign-ins in the audit trail', async () => {
    const user = await signIn(app, { role: 'pharmacist' });
    await login({ email: user.email, password: 'wrong password here' });
    const rows = await app.db.asOwner((db) =>
      db.query<{ action: string; outcome: string; detail: string }>(
        'SELECT action, outcome, detail FROM audit_event WHERE user_id = $1 ORDER BY seq',
        [user.userId],
      ),
    );
    expect(rows.rows).toEqual([
      { action: 'login', outcome: 'success', detail: 'password' },
      { action: 'login-failed', outcome: 'failure', detail: 'wrong-password' },
    ]);
  });
});

describe('access tokens', () => {
  it('publishes the signing keys as a JWKS and signs ES256 tokens with a listed kid', async () => {
    const user = await signIn(app, { role: 'physician' });
    const jwks = (await app.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const header = JSON.parse(Buffer.from(user.accessToken.split('.')[0]!, 'base64url').toString());
    expect(header.alg).toBe('ES256');
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('refuses an expired token, a tampered token and a missing one', async () => {
    const user = await signIn(app, { role: 'physician' });
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(200);
    const [head, body, signature] = user.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, roles: ['super_admin'] })).toString('base64url')}.${signature}`;
    const tampered = await app.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(forged) });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json().code).toBe('AUTH_INVALID_TOKEN');
    expect((await app.app.inject({ method: 'GET', url: '/auth/me' })).json().code).toBe('AUTH_REQUIRED');

    advance(app.config.accessTokenTtlSeconds + 1);
    const expired = await user.request('GET', '/auth/me');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toContain('expired');
    expect(expired.headers['www-authenticate']).toContain('Bearer');
  });

  it('keeps verifying tokens signed by a rotated-out key, and signs new ones with the new key', async () => {
    const user = await signIn(app, { role: 'physician' });
    const { kid } = await localAdmin<{ kid: string }>(app, 'keys/rotate');
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(200);
    const next = await signIn(app, { role: 'physician' });
    const header = JSON.parse(Buffer.from(next.accessToken.split('.')[0]!, 'base64url').toString());
    expect(header.kid).toBe(kid);
    const jwks = (await app.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
  });

  it('introspects tokens in the RFC 7662 shape', async () => {
    const user = await signIn(app, { role: 'physician' });
    const active = await user.request('POST', '/auth/introspect', { token: user.accessToken });
    expect(active.json()).toMatchObject({ active: true, sub: user.userId, tenant: app.tenantId, roles: ['physician'] });
    expect(typeof active.json().exp).toBe('number');
    const junk = await user.request('POST', '/auth/introspect', { token: 'not-a-token' });
    expect(junk.json()).toEqual({ active: false });
  });
});

describe('refresh tokens', () => {
  it('rotates: each refresh token works once and yields a new pair', async () => {
    const user = await signIn(app, { role: 'nurse' });
    const first = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=refresh_token&refresh_token=${encodeURIComponent(user.refreshToken)}`,
    });
    expect(first.statusCode).toBe(200);
    const rotated = first.json();
    expect(rotated.refresh_token).not.toBe(user.refreshToken);
    expect(
      (await app.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(rotated.access_token) })).statusCode,
    ).toBe(200);
  });

  it('revokes the whole family when a used refresh token comes back', async () => {
    const user = await signIn(app, { role: 'nurse' });
    const refresh = (token: string) =>
      app.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } });
    const second = (await refresh(user.refreshToken)).json();
    const reuse = await refresh(user.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('AUTH_REFRESH_REUSED');
    // Everything issued under that sign-in is dead: the newest refresh token and every access token.
    expect((await refresh(second.refresh_token)).json().code).toBe('AUTH_REFRESH_INVALID');
    expect(
      (await app.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(second.access_token) })).statusCode,
    ).toBe(401);
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(401);
    const audit = await app.db.asOwner((db) =>
      db.query('SELECT 1 FROM audit_event WHERE user_id = $1 AND action = $2', [user.userId, 'refresh-reuse']),
    );
    expect(audit.rows).toHaveLength(1);
  });

  it('ends a sign-in at logout: its access and refresh tokens stop working at once', async () => {
    const user = await signIn(app, { role: 'nurse' });
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(200);
    expect((await user.request('POST', '/auth/logout')).statusCode).toBe(204);
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(401);
    const refresh = await app.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: user.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('lets a tenant admin end every sign-in of a member at once', async () => {
    const admin = await signIn(app, { role: 'tenant_admin' });
    const member = await signIn(app, { role: 'nurse' });
    const res = await admin.request('POST', `/auth/users/${member.userId}/sessions/revoke`);
    expect(res.json()).toEqual({ revoked: 1 });
    expect((await member.request('GET', '/auth/me')).statusCode).toBe(401);
    const nurse = await signIn(app, { role: 'nurse' });
    expect((await nurse.request('POST', `/auth/users/${admin.userId}/sessions/revoke`)).statusCode).toBe(403);
  });
});

describe('two-factor sign-in (TOTP)', () => {
  it('enrols with a QR code, then needs a code; a code works once; recovery codes work once', async () => {
    const user = await signIn(app, { role: 'physician' });
    const start = await user.request('POST', '/auth/mfa/totp');
    expect(start.statusCode).toBe(200);
    const { secret, otpauthUri, qrCodeDataUrl } = start.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Meridian:/);
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    const bad = await user.request('POST', '/auth/mfa/totp/verify', {
      code: '000000' === (await generate({ secret, epoch: epochSeconds() })) ? '111111' : '000000',
    });
    expect(bad.statusCode).toBe(401);
    const confirm = await user.request('POST', '/auth/mfa/totp/verify', {
      code: await generate({ secret, epoch: epochSeconds() }),
    });
    expect(confirm.statusCode).toBe(200);
    const { recoveryCodes } = confirm.json();
    expect(recoveryCodes).toHaveLength(10);

    const withoutCode = await login({ email: user.email, password: user.password });
    expect(withoutCode.statusCode).toBe(401);
    expect(withoutCode.json().code).toBe('AUTH_MFA_REQUIRED');

    advance(30);
    const code = await generate({ secret, epoch: epochSeconds() });
    expect((await login({ email: user.email, password: user.password, totp: code })).statusCode).toBe(200);
    const replay = await login({ email: user.email, password: user.password, totp: code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('AUTH_MFA_INVALID');

    const recovery = await login({ email: user.email, password: user.password, recoveryCode: recoveryCodes[0] });
    expect(recovery.statusCode).toBe(200);
    expect(
      (await login({ email: user.email, password: user.password, recoveryCode: recoveryCodes[0] })).statusCode,
    ).toBe(401);
  });

  it('lets a tenant admin reset a member’s two-factor, and ends their sign-ins', async () => {
    const user = await signIn(app, { role: 'nurse' });
    const { secret } = (await user.request('POST', '/auth/mfa/totp')).json();
    const code = await generate({ secret, epoch: epochSeconds() });
    expect((await user.request('POST', '/auth/mfa/totp/verify', { code })).statusCode).toBe(200);
    expect((await login({ email: user.email, password: user.password })).json().code).toBe('AUTH_MFA_REQUIRED');

    const admin = await signIn(app, { role: 'tenant_admin' });
    expect((await admin.request('POST', `/auth/users/${user.userId}/mfa/reset`)).statusCode).toBe(204);
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(401);
    expect((await login({ email: user.email, password: user.password })).statusCode).toBe(200);
  });
});

describe('service clients', () => {
  it('gets a token with the client-credentials grant and is refused with a wrong secret', async () => {
    const client = await localAdmin<{ client_id: string; client_secret: string }>(app, 'clients', {
      tenant: app.tenantId,
      name: 'lab interface',
      role: 'system',
    });
    const token = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString(),
    });
    expect(token.statusCode).toBe(200);
    expect(token.json().refresh_token).toBeUndefined();
    const me = await app.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(token.json().access_token) });
    expect(me.json()).toMatchObject({ kind: 'client', clientId: client.client_id, roles: ['system'] });

    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    const viaBasic = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      payload: 'grant_type=client_credentials',
    });
    expect(viaBasic.statusCode).toBe(200);

    const wrong = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: 'nope',
      }).toString(),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toBe('invalid_client');
    const grant = await app.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password',
    });
    expect(grant.json().error).toBe('unsupported_grant_type');
  });
});

describe('browser sessions', () => {
  it('sets HttpOnly SameSite cookies and needs the CSRF header for changes', async () => {
    const user = await signIn(app, { role: 'physician' });
    const res = await login({ email: user.email, password: user.password, session: 'cookie' });
    expect(res.statusCode).toBe(200);
    expect(res.json().access_token).toBeUndefined();
    const cookies = Object.fromEntries(res.cookies.map((cookie) => [cookie.name, cookie]));
    expect(cookies.meridian_session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookies.meridian_refresh).toMatchObject({ httpOnly: true, path: '/auth' });
    expect(cookies.meridian_csrf?.httpOnly).toBeFalsy();
    const cookieHeader = `meridian_session=${cookies.meridian_session!.value}; meridian_csrf=${cookies.meridian_csrf!.value}`;

    expect(
      (await app.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: cookieHeader } })).statusCode,
    ).toBe(200);
    const noCsrf = await app.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: cookieHeader } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('AUTH_CSRF');
    const withCsrf = await app.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie: cookieHeader, 'x-csrf-token': res.json().csrf_token },
    });
    expect(withCsrf.statusCode).toBe(204);
  });
});

describe('accounts', () => {
  it('creates tenants and users through the admin API only for admins', async () => {
    const superAdmin = await signIn(app, { role: 'super_admin' });
    const tenant = await superAdmin.request('POST', '/identity/tenants', { name: 'North Clinic' });
    expect(tenant.statusCode).toBe(201);
    expect(tenant.json()).toMatchObject({ name: 'North Clinic', slug: 'north-clinic' });
    const duplicate = await superAdmin.request('POST', '/identity/tenants', { name: 'North Clinic' });
    expect(duplicate.statusCode).toBe(409);

    const tenantAdmin = await signIn(app, { role: 'tenant_admin' });
    const elsewhere = await tenantAdmin.request('POST', '/identity/users', {
      tenant: 'north-clinic',
      email: 'x@example.org',
      role: 'nurse',
    });
    expect(elsewhere.statusCode).toBe(403);
    const own = await tenantAdmin.request('POST', '/identity/users', {
      tenant: app.tenantId,
      email: 'new.nurse@example.org',
      role: 'nurse',
    });
    expect(own.statusCode).toBe(201);
    expect(own.json().password).toHaveLength(24);
    const first = await login({ email: 'new.nurse@example.org', password: own.json().password });
    expect(first.json().password_change_required).toBe(true);

    const nurse = await signIn(app, { role: 'nurse' });
    expect((await nurse.request('POST', '/identity/tenants', { name: 'Nope' })).statusCode).toBe(403);
  });

  it('creates the first super admin on first start and prints the password once', async () => {
    const shown: { email: string; password: string }[] = [];
    const { registerIdentityModule } = await import('./identity.module');
    expect(registerIdentityModule).toBeTypeOf('function');
    const fresh = await createTestApp({ bootstrapAdmin: true, bootstrapAdminEmail: 'root@example.org' });
    try {
      const users = await fresh.db.asOwner((db) =>
        db.query<{ email: string; must_change_password: boolean }>('SELECT email, must_change_password FROM app_user'),
      );
      expect(users.rows).toEqual([{ email: 'root@example.org', must_change_password: true }]);
      const memberships = await fresh.db.asOwner((db) => db.query<{ role: string }>('SELECT role FROM membership'));
      expect(memberships.rows).toEqual([{ role: 'super_admin' }]);
    } finally {
      await fresh.close();
    }
    expect(shown).toEqual([]);
  });
});
