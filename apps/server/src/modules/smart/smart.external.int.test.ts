import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../../../test/clients/live-server';
import { signIn } from '../../../test/test-app';
import { Browser, formAction, type SmartApp, startSmartApp } from './smart.testkit';

/**
 * Sign-in through an external OpenID Connect provider: a second oidc-provider instance plays the
 * hospital's identity provider (found by discovery), its `groups` claim maps to Meridian roles.
 */
let idpServer: Server;
let idp: Provider | undefined;
let server: LiveServer;
let app: SmartApp;
const GROUPS: Record<string, string[]> = { grace: ['doctors', 'staff'], mallory: ['visitors'] };

beforeAll(async () => {
  idpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (!idp) return response.writeHead(503).end();
    idp.callback()(request, response);
  });
  await new Promise<void>((resolve) => idpServer.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(idpServer.address() as AddressInfo).port}`;

  server = await startLiveServer({
    authRequired: true,
    oidcIssuerUrl: issuer,
    oidcClientId: 'meridian',
    oidcClientSecret: 'a-secret-shared-with-the-idp',
    oidcRoleClaim: 'groups',
    oidcRoleMap: 'doctors=physician,it-admins=tenant_admin',
    oidcProviderName: 'Hospital SSO',
  });
  const origin = server.fhirBase.replace(/\/fhir\/R4$/, '');
  idp = new Provider(issuer, {
    clients: [
      {
        client_id: 'meridian',
        client_secret: 'a-secret-shared-with-the-idp',
        redirect_uris: [`${origin}/smart/external/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: `${sub}@hospital.example`,
          email_verified: true,
          name: `${sub[0]!.toUpperCase()}${sub.slice(1)} Hopper`,
          groups: GROUPS[sub] ?? [],
        }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['test-idp-cookie-key'] },
  });

  const admin = await signIn(server.app, { role: 'tenant_admin' });
  const options = { clientId: '', scope: 'openid fhirUser user/Patient.rs' };
  app = await startSmartApp(options);
  const registered = await admin.request('POST', '/smart/clients', {
    name: 'Ward list',
    type: 'public',
    redirect_uris: [app.redirectUri],
  });
  options.clientId = registered.json().client_id;
});
afterAll(async () => {
  await app?.close();
  await server?.close();
  await new Promise((resolve) => idpServer?.close(resolve));
});

/** From the app's launch through Meridian's sign-in page to the identity provider and back. */
async function signInThroughIdp(browser: Browser, login: string) {
  const meridianLogin = await browser.follow(`${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}`);
  expect(meridianLogin.body).toContain('Sign in with Hospital SSO');
  const start = /href="([^"]*\/smart\/external\/start[^"]*)"/.exec(meridianLogin.body)![1]!.replace(/&amp;/g, '&');
  const idpLogin = await browser.follow(new URL(start, meridianLogin.url).href);
  const idpConsent = await browser.follow(formAction(idpLogin, '/interaction/'), {
    form: { prompt: 'login', login, password: 'anything' },
  });
  return browser.follow(formAction(idpConsent, '/interaction/'), { form: { prompt: 'consent' } });
}

describe('external OpenID Connect sign-in', () => {
  it('signs a user in through the identity provider with roles mapped from its claims', async () => {
    const browser = new Browser();
    const consent = await signInThroughIdp(browser, 'grace');
    expect(consent.body, consent.url + consent.body).toContain('Allow access');
    expect(consent.body).toContain('Grace Hopper');
    const scopes = [...consent.body.matchAll(/name="scope" value="([^"]+)"/g)].map((match) => match[1]!);
    const done = await browser.follow(formAction(consent, '/consent'), { form: { scope: scopes, decision: 'allow' } });
    expect(done.body, app.error?.message).toBe('app ready');

    const token = app.client!.state.tokenResponse!.access_token!;
    const me = await (
      await fetch(`${server.fhirBase.replace(/\/fhir\/R4$/, '')}/auth/me`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
    expect(me).toMatchObject({ kind: 'user', roles: ['physician'], tenantId: server.app.tenantId });
    const search = await fetch(`${server.fhirBase}/Patient`, { headers: { authorization: `Bearer ${token}` } });
    expect(search.status).toBe(200);
  });

  it('refuses a user whose claims map to no Meridian role', async () => {
    const browser = new Browser();
    const page = await signInThroughIdp(browser, 'mallory');
    expect(page.status).toBe(401);
    expect(page.body).toContain('SMART_EXTERNAL_SIGNIN_FAILED');
    expect(page.body).toContain('no mapped role');
  });
});
