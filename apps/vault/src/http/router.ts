import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Core } from '../core/core.js';
import { dispatch } from './dispatch.js';
import { VaultError } from './errors.js';

function flattenQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query || typeof query !== 'object') return out;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== null) out[key] = String(first);
  }
  return out;
}

function headersOf(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.headers)) out[key] = Array.isArray(value) ? value[0] : value;
  return out;
}

function sendError(reply: FastifyReply, err: VaultError): FastifyReply {
  reply.code(err.status).header('cache-control', 'no-store').type('application/json');
  return reply.send(err.body ? { ...err.body, errors: err.errors } : { errors: err.errors });
}

/** Mounts the Vault API under /v1 on a Fastify app. */
export function registerRoutes(app: FastifyInstance, core: Core): void {
  app.removeAllContentTypeParsers();
  // Vault reads the body as JSON whatever the Content-Type says.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 32 * 1024 * 1024 }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new VaultError(400, [`failed to parse JSON input: ${(err as Error).message}`]), undefined);
    }
  });

  app.setErrorHandler((err, _request, reply) => {
    if (err instanceof VaultError) return sendError(reply, err);
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500)
      return sendError(reply, new VaultError(status, [(err as Error).message]));
    process.stderr.write(`meridian-vault: internal error: ${(err as Error).name}: ${(err as Error).message}\n`);
    return sendError(reply, VaultError.internal());
  });

  app.setNotFoundHandler((_request, reply) => sendError(reply, new VaultError(404, [])));

  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/v1/*',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const params = request.params as { '*': string };
      let path: string;
      try {
        path = decodeURIComponent(params['*'] ?? '');
      } catch {
        throw VaultError.badRequest('invalid path encoding');
      }
      const out = await dispatch(core, {
        method: request.method,
        path,
        query: flattenQuery(request.query),
        headers: headersOf(request),
        body: request.body,
        remoteAddr: request.ip,
      });
      reply.code(out.status).header('cache-control', 'no-store');
      if (out.body === undefined || request.method === 'HEAD') return reply.send();
      return reply.type('application/json').send(out.body);
    },
  });
}
