import fastifyReplyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './problem';

/** Where the web app reaches Meridian Vault: same origin, so its content security policy stays 'self'. */
export const VAULT_PROXY_PREFIX = '/vault';

/** Request headers passed on to the vault; everything else (cookies, Authorization, ...) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'x-vault-token',
  'x-vault-namespace',
  'x-vault-wrap-ttl',
  'x-vault-request',
  'content-type',
  'accept',
] as const;

/** Response headers passed back; the vault's own hop-by-hop and server headers are not. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'retry-after'] as const;

export interface VaultProxyOptions {
  /** Base URL of Meridian Vault, e.g. http://127.0.0.1:8200 (VAULT_ADDR). */
  vaultAddr: string;
  /** How long to wait for the vault to accept a connection. */
  connectTimeoutMs?: number;
}

function pick(headers: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') picked[name] = value[0];
  }
  return picked;
}

/** The vault path for a request URL (`/vault/v1/secret/data/a?version=1` → `/v1/secret/data/a`), or undefined. */
export function vaultPathOf(url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  if (!path.startsWith(`${VAULT_PROXY_PREFIX}/v1/`)) return undefined;
  const rest = path.slice(VAULT_PROXY_PREFIX.length);
  // Dot segments would be resolved by the URL parser to somewhere outside /v1/.
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..') || decoded.includes('\\')) {
    return undefined;
  }
  return rest;
}

/**
 * Forwards /vault/v1/* to Meridian Vault, so the web app talks to the vault on its own origin.
 *
 * The routes are 'public' on purpose: Meridian does not decide who may use the vault. The vault
 * authenticates every request itself from X-Vault-Token (and its ACL policies decide what the token may
 * do), exactly as if the caller reached it directly. Meridian's own credentials (session cookies,
 * Authorization) are never passed on, and no Meridian session is needed or implied. Because the vault
 * reads its token from a header and never from a cookie, another site cannot make a browser use it.
 *
 * Nothing of a vault request is logged here: no URL, headers (tokens) or bodies (secrets); the request
 * line (route pattern only) comes from the platform's request log like every other route.
 */
export async function registerVaultProxy(app: FastifyInstance, options: VaultProxyOptions): Promise<void> {
  const base = options.vaultAddr.replace(/\/+$/, '');
  await app.register(async (scope) => {
    // Bodies go to the vault as the client sent them, whatever their type: the vault reads JSON itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    await scope.register(fastifyReplyFrom, {
      base,
      disableRequestLogging: true,
      undici: {
        connections: 32,
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      },
    });

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = vaultPathOf(request.url);
      if (!path) return reply.callNotFound();
      // A body goes on as the bytes that came (reply-from would otherwise re-encode a Buffer as JSON).
      const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
      return reply.from(path, {
        ...(body ? { body, contentType: request.headers['content-type'] ?? 'application/json' } : {}),
        // A sealed vault answers 503 to everything: retrying it would only delay that answer.
        retryDelay: () => null,
        rewriteRequestHeaders: (_request, headers) => ({
          ...pick(headers, FORWARDED_REQUEST_HEADERS),
          host: headers.host as string,
          ...(headers['content-length'] !== undefined ? { 'content-length': String(headers['content-length']) } : {}),
        }),
        rewriteHeaders: (headers) => pick(headers, FORWARDED_RESPONSE_HEADERS),
        onError: (failedReply) => {
          failedReply.send(
            new AppError(
              502,
              'VAULT_UNAVAILABLE',
              'Meridian Vault does not answer. Check that it is running (npm start runs it) and that VAULT_ADDR points at it.',
            ),
          );
        },
      });
    };

    scope.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: `${VAULT_PROXY_PREFIX}/v1/*`,
      // The vault authenticates each request itself (X-Vault-Token); see above.
      config: { access: 'public' },
      schema: { hide: true },
      handler,
    });
  });
}
