import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, localAdmin, newTenantId, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
});
afterAll(async () => app?.close());

const login = (email: string, password: string, tenant?: string) =>
  app.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password, ...(tenant ? { tenant } : {}) } });

async function auditActions(admin: Awaited<ReturnType<typeof signIn>>, action: string) {
  const res = await admin.request('GET', `/audit/events?action=${action}&_format=csv`);
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('tenant admin: listing users', () => {
  it('lists the tenant’s members with roles, two-factor, status and last sign-in, searchable and paged', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId, email: `boss-${tenantId}@example.org` });
    const nurse = await signIn(app, { role: 'nurse', tenantId, email: `nina-${tenantId}@example.org` });
    await signIn(app, { role: 'physician', tenantId, email: `paul-${tenantId}@example.org` });

    const all = await admin.request('GET', '/identity/users');
    expect(all.statusCode).toBe(200);
    expect(all.headers['cache-control']).toBe('no-store');
    const body = all.json();
    expect(body.total).toBe(3);
    const listed = body.users.find((user: { id: string }) => user.id === nurse.userId);
    expect(listed).toMatchObject({
      email: nurse.email,
      roles: ['nurse'],
      status: 'active',
      mfaEnabled: false,
      failedSignIns: 0,
      lockedUntil: null,
    });
    expect(Date.parse(listed.lastSignIn)).not.toBeNaN();

    const search = await admin.request('GET', `/identity/users?q=NINA`);
    expect(search.json().users.map((user: { id: string }) => user.id)).toEqual([nurse.userId]);
    const page = await admin.request('GET', '/identity/users?_count=2&_offset=2');
    expect(page.json()).toMatchObject({ total: 3, offset: 2 });
    expect(page.json().users).toHaveLength(1);

    const bad = await admin.request('GET', '/identity/users?_count=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'IDENTITY_INVALID_REQUEST', path: '_count' });
  });

  it('shows a locked account as locked and refuses callers who are not admins', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const nurse = await signIn(app, { role: 'nurse', tenantId });
    for (let attempt = 0; attempt < app.config.loginMaxFailures; attempt += 1) {
      await login(nurse.email, 'wrong password entirely', tenantId);
    }
    const listed = (await admin.request('GET', `/identity/users/${nurse.userId}`)).json();
    expect(listed).toMatchObject({ status: 'locked', failedSignIns: app.config.loginMaxFailures });
    expect(Date.parse(listed.lockedUntil)).toBeGreaterThan(Date.now());

    const refused = await nurse.request('GET', '/identity/users');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('AUTH_FORBIDDEN');
  });
});

describe('tenant admin: roles', () => {
  it('changes a member’s roles, ends their sign-ins when a role is removed, and audits the change', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const member = await signIn(app, { role: 'nurse', tenantId });

    const added = await admin.request('PUT', `/identity/users/${member.userId}/roles`, {
      roles: ['physician', 'nurse', 'physician'],
    });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ user: { roles: ['nurse', 'physician'] }, sessionsEnded: 0 });
    expect((await member.request('GET', '/auth/me')).statusCode).toBe(200);

    const removed = await admin.request('PUT', `/identity/users/${member.userId}/roles`, { roles: ['physician'] });
    expect(removed.json()).toMatchObject({ user: { roles: ['physician'] }, sessionsEnded: 1 });
    expect((await member.request('GET', '/auth/me')).statusCode).toBe(401);
    const again = await login(member.email, member.password, tenantId);
    expect(again.statusCode).toBe(200);
    const me = await app.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { authorization: `Bearer ${again.json().access_token}` },
    });
    expect(me.json().roles).toEqual(['physician']);

    const csv = await auditActions(admin, 'user-roles-change');
    expect(csv).toContain(`user ${member.userId}: +physician`);
    expect(csv).toContain(`user ${member.userId}: -nurse`);
  });

  it('validates roles against the known ones', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const member = await signIn(app, { role: 'nurse', tenantId });
    for (const body of [{ roles: ['wizard'] }, { roles: [] }, { roles: ['system'] }, {}]) {
      const res = await admin.request('PUT', `/identity/users/${member.userId}/roles`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('IDENTITY_INVALID_REQUEST');
      expect(res.json().path).toMatch(/^roles/);
    }
  });

  it('never lets a tenant admin hand out or take away super admin, and records the refusal', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const member = await signIn(app, { role: 'nurse', tenantId });
    const root = await signIn(app, { role: 'super_admin', tenantId });

    const grant = await admin.request('PUT', `/identity/users/${member.userId}/roles`, { roles: ['super_admin'] });
    expect(grant.statusCode).toBe(403);
    expect(grant.json().code).toBe('AUTH_FORBIDDEN');
    const demote = await admin.request('PUT', `/identity/users/${root.userId}/roles`, { roles: ['nurse'] });
    expect(demote.statusCode).toBe(403);
    const deactivate = await admin.request('POST', `/identity/users/${root.userId}/deactivate`);
    expect(deactivate.statusCode).toBe(403);
    expect((await admin.request('GET', `/identity/users/${member.userId}`)).json().roles).toEqual(['nurse']);
    expect(await auditActions(admin, 'user-roles-change')).toMatch(/denied.*\+super_admin/);

    // A super admin can.
    const byRoot = await root.request('PUT', `/identity/users/${member.userId}/roles`, {
      roles: ['nurse', 'super_admin'],
    });
    expect(byRoot.statusCode).toBe(200);
    expect(byRoot.json().user.roles).toEqual(['nurse', 'super_admin']);
  });

  it('does not let an admin remove their own last admin role', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const own = await admin.request('PUT', `/identity/users/${admin.userId}/roles`, { roles: ['physician'] });
    expect(own.statusCode).toBe(409);
    expect(own.json().code).toBe('IDENTITY_SELF_LOCKOUT');
    // Adding a role to oneself is fine, and keeps the current sign-in.
    const more = await admin.request('PUT', `/identity/users/${admin.userId}/roles`, {
      roles: ['tenant_admin', 'physician'],
    });
    expect(more.statusCode).toBe(200);
    expect(more.json()).toMatchObject({ user: { roles: ['physician', 'tenant_admin'] }, sessionsEnded: 0 });
    expect((await admin.request('GET', '/auth/me')).statusCode).toBe(200);
  });
});

describe('tenant admin: deactivation', () => {
  it('deactivates a member (sign-ins end at once, no new ones) and reactivates them', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const member = await signIn(app, { role: 'front_desk', tenantId });

    const off = await admin.request('POST', `/identity/users/${member.userId}/deactivate`);
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ user: { status: 'deactivated' }, sessionsEnded: 1 });
    expect((await member.request('GET', '/auth/me')).statusCode).toBe(401);
    const refresh = await app.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: member.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect((await login(member.email, member.password, tenantId)).statusCode).toBe(401);

    const on = await admin.request('POST', `/identity/users/${member.userId}/reactivate`);
    expect(on.json()).toMatchObject({ user: { status: 'active' }, sessionsEnded: 0 });
    expect((await login(member.email, member.password, tenantId)).statusCode).toBe(200);

    const csv = await auditActions(admin, 'user-deactivate');
    expect(csv).toContain(`user ${member.userId}`);
    expect(await auditActions(admin, 'user-reactivate')).toContain(`user ${member.userId}`);
  });

  it('refuses to deactivate the admin themselves or a person who also belongs to another tenant', async () => {
    const tenantId = newTenantId();
    const admin = await signIn(app, { role: 'tenant_admin', tenantId });
    const self = await admin.request('POST', `/identity/users/${admin.userId}/deactivate`);
    expect(self.statusCode).toBe(409);
    expect(self.json().code).toBe('IDENTITY_SELF_LOCKOUT');

    const shared = await signIn(app, { role: 'nurse', tenantId });
    const elsewhere = newTenantId();
    await app.tenants.ensure(elsewhere, 'Elsewhere');
    await localAdmin(app, 'users', { tenant: elsewhere, email: shared.email, role: 'nurse' });
    const res = await admin.request('POST', `/identity/users/${shared.userId}/deactivate`);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('IDENTITY_USER_SHARED');
  });
});

describe('tenant isolation', () => {
  it('an admin of one tenant neither sees nor changes another tenant’s users', async () => {
    const tenantA = newTenantId();
    const tenantB = newTenantId();
    const adminA = await signIn(app, { role: 'tenant_admin', tenantId: tenantA });
    const memberB = await signIn(app, { role: 'nurse', tenantId: tenantB });
    const adminB = await signIn(app, { role: 'tenant_admin', tenantId: tenantB });

    const listA = (await adminA.request('GET', '/identity/users')).json();
    expect(listA.users.map((user: { id: string }) => user.id)).toEqual([adminA.userId]);
    // The tenant header does not widen what a signed-in admin sees: the token names the tenant.
    const viaHeader = await app.app.inject({
      method: 'GET',
      url: '/identity/users',
      headers: { authorization: `Bearer ${adminA.accessToken}`, 'x-meridian-tenant': tenantB },
    });
    expect(viaHeader.json().users.map((user: { id: string }) => user.id)).toEqual([adminA.userId]);

    for (const [method, url, body] of [
      ['GET', `/identity/users/${memberB.userId}`, undefined],
      ['PUT', `/identity/users/${memberB.userId}/roles`, { roles: ['physician'] }],
      ['POST', `/identity/users/${memberB.userId}/deactivate`, undefined],
      ['POST', `/identity/users/${memberB.userId}/reactivate`, undefined],
      ['GET', '/identity/users/not-a-uuid', undefined],
    ] as const) {
      const res = await adminA.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('IDENTITY_USER_NOT_FOUND');
    }
    const stillB = (await adminB.request('GET', `/identity/users/${memberB.userId}`)).json();
    expect(stillB).toMatchObject({ roles: ['nurse'], status: 'active' });
    expect((await memberB.request('GET', '/auth/me')).statusCode).toBe(200);
  });
});
