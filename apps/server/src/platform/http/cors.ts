import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export interface CorsOptions {
  /** Exact origins (scheme://host[:port]) allowed to call the API from a browser; empty: none. */
  origins: string[];
  /** Let those origins send cookies (the session cookie); bearer tokens need no credentials. */
  credentials: boolean;
}

/** Request headers a browser app may send: auth, FHIR preconditions and preferences, request ids. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'if-match',
  'if-none-match',
  'if-none-exist',
  'if-modified-since',
  'prefer',
  'x-request-id',
  'x-purpose-of-use',
  'x-csrf-token',
];

/** Response headers a browser app may read. */
const EXPOSED_HEADERS = [
  'location',
  'content-location',
  'etag',
  'last-modified',
  'x-request-id',
  'retry-after',
  'x-progress',
  'www-authenticate',
];

/**
 * Cross-origin access by configuration (@fastify/cors): only the listed origins, each echoed back
 * exactly (never `*` with credentials); with no origins configured no CORS headers are sent at all, so
 * browsers keep other sites out.
 */
export async function registerCors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  if (!options.origins.length) return;
  const allowed = new Set(options.origins.map((origin) => origin.replace(/\/$/, '').toLowerCase()));
  // The preflight route answers OPTIONS for every path and carries no data: it is public.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*') route.config = { ...(route.config ?? {}), access: 'public' };
  });
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin.toLowerCase())),
    credentials: options.credentials,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
