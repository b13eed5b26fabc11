import type { ServerConnection } from './server-connection';

/**
 * The import writes through the FHIR API as the `meridian` CLI: the connection already presents the
 * local admin token (the server treats it as the system acting for one tenant), and this names the tenant.
 */
export function forTenant(connection: ServerConnection, tenant: string): ServerConnection {
  return {
    mode: connection.mode,
    request: (method, path, body, headers = {}) =>
      connection.request(method, path, body, { ...headers, 'x-meridian-tenant': tenant }),
    close: () => connection.close(),
  };
}
