import type { Config } from '../config';
import { readServerLink } from '../platform/local-admin';

export interface CliResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json<T = unknown>(): T;
}

/** How CLI commands reach Meridian: the running server over HTTP, or an app built in this process. */
export interface ServerConnection {
  mode: 'running-server' | 'in-process';
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<CliResponse>;
  close(): Promise<void>;
}

function response(status: number, headers: Record<string, string>, body: string): CliResponse {
  return { status, headers, body, json: <T>() => JSON.parse(body) as T };
}

/**
 * Finds the server that owns the data and talks to it. When none runs, builds the app in this process
 * on the same database (safe: nothing else holds it) and talks to it through `inject`, so every command
 * goes through the same HTTP surface, access rules and validation either way.
 */
export async function connectToServer(config: Config): Promise<ServerConnection> {
  const link = readServerLink(config);
  if (link) {
    return {
      mode: 'running-server',
      async request(method, path, body, headers = {}) {
        const res = await fetch(`${link.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${link.token}`,
            ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
            ...headers,
          },
          ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        const answerHeaders: Record<string, string> = {};
        res.headers.forEach((value, key) => {
          answerHeaders[key] = value;
        });
        return response(res.status, answerHeaders, text);
      },
      async close() {},
    };
  }
  const { buildApp } = await import('../app');
  const { openMigratedDatabase } = await import('../platform/db');
  const db = await openMigratedDatabase(config);
  const built = await buildApp({ ...config, requestLog: false }, { db });
  const token = built.localAdminToken;
  return {
    mode: 'in-process',
    async request(method, path, body, headers = {}) {
      const res = await built.app.inject({
        method: method as 'GET',
        url: path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      return response(res.statusCode, res.headers as Record<string, string>, res.body);
    },
    async close() {
      await built.app.close();
      await db.close();
    },
  };
}
