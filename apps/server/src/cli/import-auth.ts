import type { CliResponse, ServerConnection } from './server-connection';

interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

/**
 * The import writes through the FHIR API, which wants a signed-in caller. The CLI proves it runs on the
 * server machine with the local admin token; with it, it registers a service client ("meridian import",
 * role `system`, so the audit trail names who wrote the records) and signs in as that client with the
 * client-credentials grant. Access tokens are short-lived: on a 401 a new one is fetched once and the
 * request repeated.
 */
export async function withFhirSignIn(connection: ServerConnection, tenant: string): Promise<ServerConnection> {
  const registered = await connection.request(
    'POST',
    '/admin/local/clients',
    JSON.stringify({ tenant, name: 'meridian import', role: 'system' }),
    { 'content-type': 'application/json' },
  );
  if (registered.status !== 201) {
    throw new Error(`Could not register the import as a service client (${registered.status}): ${registered.body}`);
  }
  const credentials = registered.json<ClientCredentials>();
  let authorization = await signIn(connection, credentials);
  return {
    mode: connection.mode,
    async request(method, path, body, headers = {}) {
      const send = () => connection.request(method, path, body, { ...headers, authorization });
      const first = await send();
      if (first.status !== 401) return first;
      authorization = await signIn(connection, credentials);
      return send();
    },
    close: () => connection.close(),
  };
}

async function signIn(connection: ServerConnection, credentials: ClientCredentials): Promise<string> {
  const res: CliResponse = await connection.request(
    'POST',
    '/auth/token',
    JSON.stringify({ grant_type: 'client_credentials', ...credentials }),
    { 'content-type': 'application/json', authorization: '' },
  );
  if (res.status !== 200) throw new Error(`Could not sign in for the import (${res.status}): ${res.body}`);
  return `Bearer ${res.json<{ access_token: string }>().access_token}`;
}
