import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from '../../../test/clients/live-server';
import { fhirClient, localAdmin, type SignedIn, signIn } from '../../../test/test-app';

/**
 * App registration by tenant admins and SMART Backend Services: client credentials with a
 * private_key_jwt assertion (RS384 and ES384), scope downgrades, introspection, revocation at once.
 */
let server: LiveServer;
let origin: string;
let admin: SignedIn;
let patient: Patient & { id: string };

beforeAll(async () => {
  server = await startLiveServer({ authRequired: true });
  origin = server.fhirBase.replace(/\/fhir\/R4$/, '');
  admin = await signIn(server.app, { role: 'tenant_admin' });
  const system = fhirClient(server.app, server.app.tenantId, { authorization: `Bearer ${server.app.localAdminToken}` });
  patient = await system.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Backend' }] });
});
afterAll(async () => server?.close());

async function backendClient(alg: 'RS384' | 'ES384', scope: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  const res = await admin.request('POST', '/smart/clients', {
    name: `Nightly export ${alg}`,
    type: 'backend',
    scope,
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { client_id: clientId } = res.json() as { client_id: string };
  const assertion = (audience = `${origin}/oauth/token`, key = privateKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  return { clientId, assertion };
}

function form(body: Record<string, string>) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  };
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('app registration', () => {
  it('is for tenant admins, checks its input, lists and is audited', async () => {
    const physician = await signIn(server.app, { role: 'physician' });
    const denied = await physician.request('POST', '/smart/clients', {
      name: 'x',
      type: 'public',
      redirect_uris: ['https://app.example.org/cb'],
    });
    expect(denied.statusCode).toBe(403);

    const bad = await admin.request('POST', '/smart/clients', { name: 'No keys', type: 'backend' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'SMART_INVALID_REQUEST', path: 'jwks' });
    const badScope = await admin.request('POST', '/smart/clients', {
      name: 'Odd',
      type: 'public',
      redirect_uris: ['https://app.example.org/cb'],
      scope: 'patient/Observation.xyz',
    });
    expect(badScope.json()).toMatchObject({ code: 'SMART_INVALID_REQUEST', path: 'scope' });
    const insecure = await admin.request('POST', '/smart/clients', {
      name: 'Plain http',
      type: 'public',
      redirect_uris: ['http://app.example.org/cb'],
    });
    expect(insecure.json()).toMatchObject({ code: 'SMART_INVALID_REQUEST', path: 'redirect_uris.0' });

    const created = await admin.request('POST', '/smart/clients', {
      name: 'Portal',
      type: 'confidential',
      redirect_uris: ['https://portal.example.org/cb'],
    });
    expect(created.statusCode).toBe(201);
    const client = created.json();
    expect(client).toMatchObject({ type: 'confidential', token_endpoint_auth_method: 'client_secret_basic' });
    expect(client.client_secret).toMatch(/^[\w-]{40,}$/);
    const listed = (await admin.request('GET', '/smart/clients')).json().clients as { client_id: string }[];
    expect(listed.map((entry) => entry.client_id)).toContain(client.client_id);
    expect(JSON.stringify(listed)).not.toContain(client.client_secret);

    const audit = await admin.request('GET', '/audit/events?action=smart-client-create');
    expect(audit.body).toContain(client.client_id);

    // Another tenant's admin neither sees nor removes it.
    const otherAdmin = await signIn(server.app, { role: 'tenant_admin', tenantId: randomUUID() });
    expect((await otherAdmin.request('GET', `/smart/clients/${client.client_id}`)).statusCode).toBe(404);
    expect((await otherAdmin.request('DELETE', `/smart/clients/${client.client_id}`)).statusCode).toBe(404);
  });
});

describe('backend services (client credentials with private_key_jwt)', () => {
  for (const alg of ['RS384', 'ES384'] as const) {
    it(`issues a token for a ${alg} assertion, downgraded to the allowed scopes`, async () => {
      const backend = await backendClient(alg, 'system/Patient.rs');
      const res = await fetch(
        `${origin}/oauth/token`,
        form({
          grant_type: 'client_credentials',
          scope: 'system/Patient.rs system/Observation.rs',
          client_assertion_type: JWT_BEARER,
          client_assertion: await backend.assertion(),
        }),
      );
      expect(res.status).toBe(200);
      const token = await res.json();
      expect(token.scope).toBe('system/Patient.rs');
      const read = await fetch(`${server.fhirBase}/Patient/${patient.id}`, {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      expect(read.status).toBe(200);
      const me = await (
        await fetch(`${origin}/auth/me`, { headers: { authorization: `Bearer ${token.access_token}` } })
      ).json();
      expect(me).toMatchObject({
        kind: 'client',
        clientId: backend.clientId,
        roles: ['system'],
        scopes: ['system/Patient.rs'],
      });
    });
  }

  it('refuses an assertion signed by another key or for another audience', async () => {
    const backend = await backendClient('ES384', 'system/*.rs');
    const { privateKey: stranger } = await generateKeyPair('ES384');
    for (const assertion of [
      await backend.assertion(undefined, stranger),
      await backend.assertion('https://elsewhere.example/token'),
    ]) {
      const res = await fetch(
        `${origin}/oauth/token`,
        form({
          grant_type: 'client_credentials',
          scope: 'system/*.rs',
          client_assertion_type: JWT_BEARER,
          client_assertion: assertion,
        }),
      );
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe('invalid_client');
    }
  });

  it('introspects, and a revoked token or a removed client stops at once', async () => {
    const backend = await backendClient('ES384', 'system/*.rs');
    const issue = async () =>
      (
        await (
          await fetch(
            `${origin}/oauth/token`,
            form({
              grant_type: 'client_credentials',
              scope: 'system/*.rs',
              client_assertion_type: JWT_BEARER,
              client_assertion: await backend.assertion(),
            }),
          )
        ).json()
      ).access_token as string;
    const introspect = async (token: string) =>
      (
        await fetch(
          `${origin}/oauth/token/introspection`,
          form({
            token,
            client_assertion_type: JWT_BEARER,
            client_assertion: await backend.assertion(`${origin}/oauth/token/introspection`),
          }),
        )
      ).json();
    const read = (token: string) =>
      fetch(`${server.fhirBase}/Patient/${patient.id}`, { headers: { authorization: `Bearer ${token}` } });

    const token = await issue();
    expect(await introspect(token)).toMatchObject({ active: true, client_id: backend.clientId, scope: 'system/*.rs' });
    const revoked = await fetch(
      `${origin}/oauth/token/revocation`,
      form({
        token,
        client_assertion_type: JWT_BEARER,
        client_assertion: await backend.assertion(`${origin}/oauth/token/revocation`),
      }),
    );
    expect(revoked.status).toBe(200);
    expect((await read(token)).status).toBe(401);
    expect(await introspect(token)).toEqual({ active: false });

    const second = await issue();
    expect((await read(second)).status).toBe(200);
    expect((await admin.request('DELETE', `/smart/clients/${backend.clientId}`)).statusCode).toBe(204);
    expect((await read(second)).status).toBe(401);
  });
});

describe('Meridian service clients at the advertised token endpoint', () => {
  it('get a token with their secret, which the FHIR API accepts', async () => {
    const created = await localAdmin<{ client_id: string; client_secret: string }>(server.app, 'clients', {
      tenant: server.app.tenantId,
      name: 'Integration',
      role: 'system',
    });
    const config = await (await fetch(`${server.fhirBase}/.well-known/smart-configuration`)).json();
    const basic = Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64');
    const res = await fetch(config.token_endpoint, {
      ...form({ grant_type: 'client_credentials' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    });
    expect(res.status).toBe(200);
    const token = await res.json();
    const read = await fetch(`${server.fhirBase}/Patient/${patient.id}`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect(read.status).toBe(200);

    const wrong = await fetch(
      config.token_endpoint,
      form({ grant_type: 'client_credentials', client_id: created.client_id, client_secret: 'nope' }),
    );
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toBe('invalid_client');
  });
});
