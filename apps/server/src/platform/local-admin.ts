import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { AppError } from './http/problem';

/**
 * The `meridian` CLI talks to a running server over HTTP (PGlite belongs to one process, so it must).
 * It proves it runs on this machine, as a user who can read the data folder, with a random token the
 * server writes there at boot (mode 0600) and removes at shutdown.
 */
export interface ServerLink {
  url: string;
  token: string;
  pid: number;
}

export function serverLinkPath(config: Config): string {
  return join(config.dataDir, 'server.json');
}

export function newLocalAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export function writeServerLink(config: Config, url: string, token: string): ServerLink {
  const link = { url, token, pid: process.pid };
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(serverLinkPath(config), JSON.stringify(link), { mode: 0o600 });
  return link;
}

export function readServerLink(config: Config): ServerLink | undefined {
  try {
    const link = JSON.parse(readFileSync(serverLinkPath(config), 'utf8')) as ServerLink;
    process.kill(link.pid, 0); // throws when no such process
    return link;
  } catch {
    return undefined;
  }
}

export function removeServerLink(config: Config, link: ServerLink): void {
  const current = readServerLink(config);
  if (current?.token === link.token) rmSync(serverLinkPath(config), { force: true });
}

/** Guard for admin routes the CLI calls: the local token, or (in-process CLI runs) the given token. */
export function localAdminGuard(token: () => string | undefined) {
  return async (request: FastifyRequest) => {
    const expected = token();
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (
      !expected ||
      !given ||
      given.length !== expected.length ||
      !timingSafeEqual(Buffer.from(given), Buffer.from(expected))
    ) {
      throw new AppError(401, 'ADMIN_TOKEN_REQUIRED', 'This endpoint is for the meridian CLI on the server machine');
    }
  };
}

export function registerLocalAdmin(
  app: FastifyInstance,
  token: () => string | undefined,
  register: (scope: FastifyInstance) => void,
) {
  app.register(
    async (scope) => {
      scope.addHook('onRequest', localAdminGuard(token));
      register(scope);
    },
    { prefix: '/admin/local' },
  );
}
