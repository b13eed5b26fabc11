import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../../../test/clients/live-server';
import { fhirClient, type SignedIn, signIn } from '../../../test/test-app';
import { Browser, formAction, type Page, type SmartApp, startSmartApp } from './smart.testkit';

/**
 * SMART App Launch end to end over real ports: the `fhirclient` library (written by others) is the app,
 * a cookie-keeping fetch is the browser, Meridian is the EHR and authorization server.
 */
let server: LiveServer;
let origin: string;
let admin: SignedIn;
let clinician: SignedIn;
let patient: Patient & { id: string };
let observation: Observation & { id: string };

async function registerApp(body: Record<string, unknown>): Promise<{ client_id: string; client_secret?: string }> {
  const res = await admin.request('POST', '/smart/clients', body);
  if (res.statusCode !== 201) throw new Error(`registration failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  server = await startLiveServer({ authRequired: true });
  origin = server.fhirBase.replace(/\/fhir\/R4$/, '');
  admin = await signIn(server.app, { role: 'tenant_admin' });
  clinician = await signIn(server.app, { role: 'physician' });
  // Records are made as the system (the local CLI's token), as an import would.
  const system = fhirClient(server.app, server.app.tenantId, { authorization: `Bearer ${server.app.localAdminToken}` });
  patient = await system.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Lovelace', given: ['Ada'] }] });
  observation = await system.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'heart rate' },
    subject: { reference: `Patient/${patient.id}` },
  });
});
afterAll(async () => server?.close());

/** Signs in on Meridian's sign-in page (the browser has no session yet). */
async function signInOnPage(browser: Browser, page: Page, who: SignedIn): Promise<Page> {
  expect(page.status).toBe(200);
  expect(page.body).toContain('Sign in to Meridian');
  return browser.follow(formAction(page, '/login'), { form: { email: who.email, password: who.password } });
}

/** Allows every scope on the consent page (picking `patientId` when there is a picker). */
async function allowAll(browser: Browser, page: Page, patientId?: string): Promise<Page> {
  expect(page.status).toBe(200);
  expect(page.body).toContain('Allow access');
  const scopes = [...page.body.matchAll(/name="scope" value="([^"]+)"/g)].map((match) => match[1]!);
  return browser.follow(formAction(page, '/consent'), {
    form: { scope: scopes, decision: 'allow', ...(patientId ? { patient: patientId } : {}) },
  });
}

describe('SMART configuration', () => {
  it('is published at the root and under the FHIR base', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/R4/.well-known/smart-configuration']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status).toBe(200);
      const config = await res.json();
      expect(config.authorization_endpoint).toBe(`${origin}/oauth/auth`);
      expect(config.token_endpoint).toBe(`${origin}/oauth/token`);
      expect(config.code_challenge_methods_supported).toEqual(['S256']);
      expect(config.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
      expect(config.capabilities).toEqual(expect.arrayContaining(['launch-standalone', 'launch-ehr', 'permission-v2']));
    }
  });
  it('is named in the CapabilityStatement (oauth-uris), where SMART v1 clients look', async () => {
    const metadata = await (await fetch(`${server.fhirBase}/metadata`)).json();
    const oauth = metadata.rest[0].security.extension.find((extension: { url: string }) =>
      extension.url.endsWith('/oauth-uris'),
    );
    const uris = Object.fromEntries(
      oauth.extension.map((entry: { url: string; valueUri: string }) => [entry.url, entry.valueUri]),
    );
    expect(uris).toMatchObject({ authorize: `${origin}/oauth/auth`, token: `${origin}/oauth/token` });
  });
});

describe('standalone launch with fhirclient', () => {
  let app: SmartApp;
  beforeAll(async () => {
    const options = {
      clientId: '',
      scope: 'openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs offline_access',
    };
    app = await startSmartApp(options);
    options.clientId = (
      await registerApp({ name: 'Vitals viewer', type: 'public', redirect_uris: [app.redirectUri] })
    ).client_id;
  });
  afterAll(async () => app?.close());

  it('signs in, picks a patient, consents, and reads that patient’s data with the token', async () => {
    const browser = new Browser();
    const login = await browser.follow(`${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}`);
    const consent = await signInOnPage(browser, login, clinician);
    expect(consent.body).toContain('Lovelace'); // the patient picker lists the tenant's patients
    const done = await allowAll(browser, consent, patient.id);
    expect(done.body, `${app.error?.message} ${done.body.replace(/<style>[^<]*<\/style>/, '').slice(0, 900)}`).toBe(
      'app ready',
    );

    const client = app.client!;
    expect(client.patient.id).toBe(patient.id);
    expect(client.state.tokenResponse?.patient).toBe(patient.id);
    expect(client.state.tokenResponse?.scope).toContain('patient/Observation.rs');
    expect(client.state.tokenResponse?.refresh_token).toBeTruthy();
    expect(client.user.fhirUser).toBeUndefined(); // this clinician has no FHIR resource of their own
    const read = (await client.patient.read()) as Patient;
    expect(read.name?.[0]?.family).toBe('Lovelace');
    const observations = (await client.request(`Observation?subject=Patient/${patient.id}`)) as Bundle;
    expect(observations.entry?.map((entry) => entry.resource?.id)).toEqual([observation.id]);

    // The FHIR API saw the caller the token stands for.
    const me = await fetch(`${origin}/auth/me`, {
      headers: { authorization: `Bearer ${client.state.tokenResponse?.access_token}` },
    });
    const principal = await me.json();
    expect(principal).toMatchObject({
      kind: 'user',
      userId: clinician.userId,
      tenantId: clinician.tenantId,
      roles: ['physician'],
      patient: patient.id,
    });
    expect(principal.scopes).toEqual(expect.arrayContaining(['patient/Patient.rs', 'patient/Observation.rs']));
  });

  it('refreshes with offline_access, and a revoked token stops at once', async () => {
    const browser = new Browser();
    const login = await browser.follow(`${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}`);
    await allowAll(browser, await signInOnPage(browser, login, clinician), patient.id);
    const client = app.client!;
    const before = client.state.tokenResponse!.access_token!;
    await client.refresh();
    const after = client.state.tokenResponse!.access_token!;
    expect(after).not.toBe(before);
    expect(client.state.tokenResponse?.patient).toBe(patient.id);
    expect(((await client.request(`Patient/${patient.id}`)) as Patient).id).toBe(patient.id);

    const revoke = await fetch(`${origin}/oauth/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: after, client_id: client.state.clientId! }).toString(),
    });
    expect(revoke.status).toBe(200);
    const refused = await fetch(`${server.fhirBase}/Patient/${patient.id}`, {
      headers: { authorization: `Bearer ${after}` },
    });
    expect(refused.status).toBe(401);
  });

  it('reuses a Meridian session cookie instead of asking for the password again', async () => {
    const browser = new Browser();
    const login = await fetch(`${origin}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: clinician.email, password: clinician.password, session: 'cookie' }),
    });
    for (const line of login.headers.getSetCookie()) {
      const [pair] = line.split(';');
      browser.setCookie(pair!.split('=')[0]!, pair!.slice(pair!.indexOf('=') + 1));
    }
    const consent = await browser.follow(`${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}`);
    expect(consent.body).toContain('Allow access');
    expect(consent.body).not.toContain('Sign in to Meridian');
  });

  it('grants only the scopes the user left ticked', async () => {
    const browser = new Browser();
    const login = await browser.follow(`${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}`);
    const consent = await signInOnPage(browser, login, clinician);
    const scopes = [...consent.body.matchAll(/name="scope" value="([^"]+)"/g)].map((match) => match[1]!);
    const done = await browser.follow(formAction(consent, '/consent'), {
      form: {
        scope: scopes.filter((scope) => scope !== 'patient/Observation.rs'),
        decision: 'allow',
        patient: patient.id,
      },
    });
    expect(done.body).toBe('app ready');
    const granted = app.client!.state.tokenResponse!.scope!.split(' ');
    expect(granted).toContain('patient/Patient.rs');
    expect(granted).not.toContain('patient/Observation.rs');
  });
});

describe('EHR launch', () => {
  it('carries the patient and encounter the web app launched with', async () => {
    const system = fhirClient(server.app, server.app.tenantId, {
      authorization: `Bearer ${server.app.localAdminToken}`,
    });
    const encounter = await system.create({
      resourceType: 'Encounter',
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patient.id}` },
    });
    const options = { clientId: '', scope: 'launch openid fhirUser patient/*.rs' };
    const app = await startSmartApp(options);
    try {
      options.clientId = (
        await registerApp({ name: 'Chart app', type: 'public', redirect_uris: [app.redirectUri] })
      ).client_id;
      const launched = await clinician.request('POST', '/smart/launch', {
        client_id: options.clientId,
        patient: patient.id,
        encounter: encounter.id,
      });
      expect(launched.statusCode).toBe(201);
      const { launch } = launched.json();

      const browser = new Browser();
      const login = await browser.follow(
        `${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}&launch=${encodeURIComponent(launch)}`,
      );
      const consent = await signInOnPage(browser, login, clinician);
      expect(consent.body).not.toContain('<select'); // no picker: the launch names the patient
      const done = await allowAll(browser, consent);
      expect(done.body, `${app.error?.message} ${done.body.replace(/<style>[^<]*<\/style>/, '').slice(0, 900)}`).toBe(
        'app ready',
      );
      expect(app.client!.patient.id).toBe(patient.id);
      expect(app.client!.encounter.id).toBe(encounter.id);
      expect(app.client!.state.tokenResponse?.encounter).toBe(encounter.id);
    } finally {
      await app.close();
    }
  });

  it('refuses a launch made for another app', async () => {
    const other = await registerApp({ name: 'Other', type: 'public', redirect_uris: ['http://127.0.0.1:9/cb'] });
    const launched = await clinician.request('POST', '/smart/launch', {
      client_id: other.client_id,
      patient: patient.id,
    });
    const { launch } = launched.json();
    const options = { clientId: '', scope: 'launch patient/*.rs' };
    const app = await startSmartApp(options);
    try {
      options.clientId = (
        await registerApp({ name: 'Thief', type: 'public', redirect_uris: [app.redirectUri] })
      ).client_id;
      const browser = new Browser();
      const login = await browser.follow(
        `${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}&launch=${launch}`,
      );
      const page = await signInOnPage(browser, login, clinician);
      expect(page.status).toBe(400);
      expect(page.body).toContain('SMART_LAUNCH_INVALID');
    } finally {
      await app.close();
    }
  });
});

describe('PKCE', () => {
  it('is required: an authorization request without a code challenge is refused', async () => {
    const { client_id } = await registerApp({
      name: 'No PKCE',
      type: 'public',
      redirect_uris: ['http://127.0.0.1:9/cb'],
    });
    const url = `${origin}/oauth/auth?${new URLSearchParams({
      client_id,
      response_type: 'code',
      scope: 'openid patient/*.rs',
      redirect_uri: 'http://127.0.0.1:9/cb',
      state: 'xyz',
      aud: server.fhirBase,
    })}`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses to swap a code without its verifier', async () => {
    const options = { clientId: '', scope: 'openid patient/*.rs' };
    const app = await startSmartApp(options);
    try {
      options.clientId = (
        await registerApp({ name: 'Verifier', type: 'public', redirect_uris: [app.redirectUri] })
      ).client_id;
      const browser = new Browser();
      const login = await browser.follow(`${app.origin}/launch?iss=${encodeURIComponent(server.fhirBase)}`);
      const consent = await signInOnPage(browser, login, clinician);
      const scopes = [...consent.body.matchAll(/name="scope" value="([^"]+)"/g)].map((match) => match[1]!);
      const redirect = await browser.follow(
        formAction(consent, '/consent'),
        { form: { scope: scopes, decision: 'allow', patient: patient.id } },
        (next) => next.startsWith(app.redirectUri),
      );
      const code = new URL(redirect.url).searchParams.get('code')!;
      const token = await fetch(`${origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: app.redirectUri,
          client_id: options.clientId,
        }).toString(),
      });
      expect(token.status).toBe(400);
      expect((await token.json()).error).toBe('invalid_grant');
    } finally {
      await app.close();
    }
  });
});
