import { createHash, randomBytes } from 'node:crypto';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../../../test/clients/live-server';
import { fhirClient, localAdmin, newTenantId, type SignedIn, signIn } from '../../../test/test-app';
import { Browser, formAction } from './smart.testkit';

/**
 * An admin's changes reach SMART apps' tokens at once: deactivating a user or ending their sign-ins ends
 * their apps' grants in that tenant (access and refresh tokens), a removed role stops working on the next
 * request, and none of it touches the same person's grants in another tenant. Signing out of Meridian
 * leaves apps their offline access.
 */
let server: LiveServer;
let origin: string;
const tenantB = newTenantId();
let adminA: SignedIn;
let adminB: SignedIn;
let appA: string;
let appB: string;
let patient: Patient & { id: string };
let observation: Observation & { id: string };

const REDIRECT = 'http://127.0.0.1:9/callback';
const SCOPE = 'openid fhirUser user/Patient.rs user/Observation.rs offline_access';

interface Tokens {
  access_token: string;
  refresh_token: string;
  /** The browser that authorized the app (it holds the provider's session cookie). */
  browser: Browser;
}

async function registerApp(admin: SignedIn, name: string): Promise<string> {
  const res = await admin.request('POST', '/smart/clients', { name, type: 'public', redirect_uris: [REDIRECT] });
  if (res.statusCode !== 201) throw new Error(`registration failed: ${res.statusCode} ${res.body}`);
  return res.json().client_id;
}

function authorizeUrl(clientId: string, challenge: string): string {
  return `${origin}/oauth/auth?${new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: SCOPE,
    redirect_uri: REDIRECT,
    state: randomBytes(8).toString('hex'),
    aud: server.fhirBase,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;
}

/** Authorization code with PKCE in a fresh browser: sign in, allow everything, swap the code. */
async function authorize(who: { email: string; password: string }, clientId: string): Promise<Tokens> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const browser = new Browser();
  const login = await browser.follow(authorizeUrl(clientId, challenge));
  expect(login.body).toContain('Sign in to Meridian');
  const consent = await browser.follow(formAction(login, '/login'), {
    form: { email: who.email, password: who.password },
  });
  expect(consent.body).toContain('Allow access');
  const scopes = [...consent.body.matchAll(/name="scope" value="([^"]+)"/g)].map((match) => match[1]!);
  const redirect = await browser.follow(
    formAction(consent, '/consent'),
    { form: { scope: scopes, decision: 'allow' } },
    (next) => next.startsWith(REDIRECT),
  );
  const code = new URL(redirect.url).searchParams.get('code');
  expect(code, redirect.body.slice(0, 400)).toBeTruthy();
  const token = await fetch(`${origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: REDIRECT,
      client_id: clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const body = await token.json();
  expect(token.status, JSON.stringify(body)).toBe(200);
  expect(body.refresh_token).toBeTruthy();
  return { access_token: body.access_token, refresh_token: body.refresh_token, browser };
}

async function refresh(tokens: Tokens, clientId: string): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: clientId,
    }).toString(),
  });
  return { status: res.status, body: await res.json() };
}

async function fhirGet(token: string, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${server.fhirBase}/${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
  });
  return { status: res.status, body: await res.json() };
}

async function me(token: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${origin}/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  server = await startLiveServer({ authRequired: true });
  origin = server.fhirBase.replace(/\/fhir\/R4$/, '');
  adminA = await signIn(server.app, { role: 'tenant_admin' });
  adminB = await signIn(server.app, { role: 'tenant_admin', tenantId: tenantB });
  appA = await registerApp(adminA, 'Chart viewer A');
  appB = await registerApp(adminB, 'Chart viewer B');
  const system = fhirClient(server.app, server.app.tenantId, { authorization: `Bearer ${server.app.localAdminToken}` });
  patient = await system.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Hopper', given: ['Grace'] }] });
  observation = await system.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'heart rate' },
    subject: { reference: `Patient/${patient.id}` },
  });
});
afterAll(async () => server?.close());

describe('a user token meets the membership on every request', () => {
  it('is refused with 401 at once when the admin deactivates the user, refresh token too', async () => {
    const user = await signIn(server.app, { role: 'physician' });
    const tokens = await authorize(user, appA);
    expect((await fhirGet(tokens.access_token, `Patient/${patient.id}`)).status).toBe(200);

    const res = await adminA.request('POST', `/identity/users/${user.userId}/deactivate`);
    expect(res.statusCode).toBe(200);

    const refused = await fhirGet(tokens.access_token, `Patient/${patient.id}`);
    expect(refused.status).toBe(401);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    expect((await me(tokens.access_token)).status).toBe(401);
    const renewed = await refresh(tokens, appA);
    expect(renewed.status).toBe(400);
    expect(renewed.body.error).toBe('invalid_grant');

    // Reactivating does not bring the ended grant back.
    expect((await adminA.request('POST', `/identity/users/${user.userId}/reactivate`)).statusCode).toBe(200);
    expect((await fhirGet(tokens.access_token, `Patient/${patient.id}`)).status).toBe(401);
  });

  it('is refused once the user is disabled by any path (the check does not rely on revoked grants)', async () => {
    const user = await signIn(server.app, { role: 'physician' });
    const tokens = await authorize(user, appA);
    expect((await me(tokens.access_token)).status).toBe(200);
    await server.app.db.asOwner((q) => q.query('UPDATE app_user SET disabled = true WHERE id = $1', [user.userId]));
    const refused = await me(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('AUTH_INVALID_TOKEN');
    await server.app.db.asOwner((q) => q.query('UPDATE app_user SET disabled = false WHERE id = $1', [user.userId]));
    expect((await me(tokens.access_token)).status).toBe(200);
  });

  it('acts with the issued roles the user still has: a removed role stops at once, an added one does not widen', async () => {
    const user = await signIn(server.app, { role: 'billing' });
    const both = await adminA.request('PUT', `/identity/users/${user.userId}/roles`, {
      roles: ['billing', 'physician'],
    });
    expect(both.statusCode).toBe(200);
    const tokens = await authorize(user, appA);
    expect((await me(tokens.access_token)).body.roles).toEqual(expect.arrayContaining(['billing', 'physician']));
    expect((await fhirGet(tokens.access_token, `Observation/${observation.id}`)).status).toBe(200);

    const narrowed = await adminA.request('PUT', `/identity/users/${user.userId}/roles`, {
      roles: ['billing', 'nurse'],
    });
    expect(narrowed.statusCode).toBe(200);
    // physician is gone at once; nurse, added after the token was issued, is not in it.
    expect((await me(tokens.access_token)).body.roles).toEqual(['billing']);
    expect((await fhirGet(tokens.access_token, `Observation/${observation.id}`)).status).toBe(403);
    expect((await fhirGet(tokens.access_token, `Patient/${patient.id}`)).status).toBe(200);
    // A role change keeps the app's grant; a refreshed token is issued with the user's roles of now.
    const renewed = await refresh(tokens, appA);
    expect(renewed.status).toBe(200);
    expect((await me(renewed.body.access_token!)).body.roles).not.toContain('physician');
  });
});

describe('an admin ending a user’s sign-ins', () => {
  let person: SignedIn;
  let inA: Tokens;
  let inB: Tokens;
  let otherInB: Tokens;

  beforeAll(async () => {
    person = await signIn(server.app, { role: 'physician' });
    // The same person is also a member of tenant B, with a grant to tenant B's app.
    await localAdmin(server.app, 'users', { tenant: tenantB, email: person.email, role: 'physician' });
    const other = await signIn(server.app, { role: 'physician', tenantId: tenantB });
    inA = await authorize(person, appA);
    inB = await authorize(person, appB);
    otherInB = await authorize(other, appB);
    for (const tokens of [inA, inB, otherInB]) expect((await me(tokens.access_token)).status).toBe(200);
  });

  it('in another tenant touches nothing here', async () => {
    const res = await adminB.request('POST', `/auth/users/${person.userId}/sessions/revoke`);
    expect(res.statusCode).toBe(200);
    // Tenant B's admin ended the person's tenant B grant, never the tenant A one.
    expect((await me(inA.access_token)).status).toBe(200);
    expect((await me(inB.access_token)).status).toBe(401);
    expect((await me(otherInB.access_token)).status).toBe(200);
    inB = await authorize(person, appB);
  });

  it('ends the SMART access and refresh tokens at once, in that tenant only', async () => {
    const res = await adminA.request('POST', `/auth/users/${person.userId}/sessions/revoke`);
    expect(res.statusCode).toBe(200);

    const refused = await fhirGet(inA.access_token, `Patient/${patient.id}`);
    expect(refused.status).toBe(401);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    const renewed = await refresh(inA, appA);
    expect(renewed.status).toBe(400);
    expect(renewed.body.error).toBe('invalid_grant');
    // The provider's browser session ended too: a new authorization asks for the password again.
    const again = await inA.browser.follow(authorizeUrl(appA, 'x'.repeat(43)));
    expect(again.body).toContain('Sign in to Meridian');

    // The same person in tenant B, and another user there, keep their grants.
    expect((await me(inB.access_token)).body).toMatchObject({ userId: person.userId, tenantId: tenantB });
    expect((await refresh(inB, appB)).status).toBe(200);
    expect((await me(otherInB.access_token)).status).toBe(200);
    expect((await refresh(otherInB, appB)).status).toBe(200);
  });
});

describe('signing out of Meridian', () => {
  it('leaves the apps’ grants alone: offline access survives the sign-out', async () => {
    const user = await signIn(server.app, { role: 'physician' });
    const tokens = await authorize(user, appA);
    const logout = await user.request('POST', '/auth/logout');
    expect(logout.statusCode).toBe(204);
    expect((await user.request('GET', '/auth/me')).statusCode).toBe(401);
    expect((await me(tokens.access_token)).status).toBe(200);
    expect((await refresh(tokens, appA)).status).toBe(200);
  });
});
