import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { FhirError, issue } from '../../fhir/core/outcome';
import { AppError } from './problem';

export interface RateLimitOptions {
  /** Requests per minute per caller; 0 turns rate limiting off. */
  perMinute: number;
  /** Sign-in attempts per minute per address (login, token, TOTP check, OAuth posts). */
  loginPerMinute: number;
  /** Counters in Redis (shared by every server) instead of this process's memory. */
  redisUrl?: string | undefined;
  /** Prefix of the Redis keys, so several deployments can share one Redis. */
  redisPrefix: string;
}

/**
 * Routes where a caller proves who they are with something guessable (a password, a code, a client
 * secret; a tenant switch may carry a TOTP code): limited per address, far more strictly. Renewing a
 * session is not one of them: a refresh token cannot be guessed, and every browser behind a clinic's one
 * address renews its session all day.
 */
const SIGN_IN_ROUTES = new Set(['/auth/login', '/auth/token', '/auth/mfa/totp/verify', '/auth/switch-tenant']);

export function isSignInRoute(request: FastifyRequest): boolean {
  const url = request.routeOptions.url ?? '';
  return SIGN_IN_ROUTES.has(url) || (request.method === 'POST' && url.startsWith('/oauth/'));
}

/** The caller as the limiter sees it; the principal is set by the authentication hook. */
interface Caller {
  kind: 'user' | 'client';
  subject: string;
  tenantId: string;
  clientId?: string;
}

function callerOf(request: FastifyRequest): Caller | undefined {
  return (request as FastifyRequest & { principal?: Caller }).principal;
}

/**
 * The bucket a request counts against: sign-ins per address; signed-in users per user (their subject),
 * service clients per client; anonymous callers per address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  if (isSignInRoute(request)) return `login:${request.ip}`;
  const caller = callerOf(request);
  if (caller) return `${caller.kind}:${caller.tenantId}:${caller.subject}`;
  return `ip:${request.ip}`;
}

/** The `meridian` CLI on the server machine (the operator, holding the local admin token). */
function isLocalCli(request: FastifyRequest): boolean {
  const caller = callerOf(request) as (Caller & { sessionId?: string }) | undefined;
  return caller?.subject === 'meridian-cli' && caller.sessionId === 'local-cli';
}

/** The web app's files and Swagger UI's: static, cheap, and a page load fetches many at once. */
function isStaticFile(request: FastifyRequest): boolean {
  const url = request.routeOptions.url ?? '';
  return request.method === 'GET' && (url === '/' || url === '/*' || url.startsWith('/docs'));
}

/**
 * Rate limits with @fastify/rate-limit, checked after the caller is known (route-level onRequest hooks
 * run after the authentication hook). Answers 429 with Retry-After and a problem body (an
 * OperationOutcome on FHIR routes). The local CLI (the server machine's operator) and static files are
 * not limited.
 */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.perMinute <= 0) return;
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : undefined;
  if (redis) {
    redis.on('error', (error: Error) => app.log.warn({ err: { message: error.message } }, 'rate limit store error'));
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  }
  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: 60_000,
    max: async (request) => (isSignInRoute(request) ? options.loginPerMinute : options.perMinute),
    keyGenerator: rateLimitKey,
    allowList: (request) => isLocalCli(request) || isStaticFile(request),
    // A Redis outage must not take the whole API down with it: requests pass unlimited meanwhile.
    skipOnError: true,
    ...(redis ? { redis, nameSpace: options.redisPrefix } : {}),
    errorResponseBuilder: (request, context) => {
      const message = `Too many requests; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`;
      if (request.url.startsWith('/fhir/')) return new FhirError(429, [issue('throttled', message)], 'RATE_LIMITED');
      return new AppError(429, 'RATE_LIMITED', message);
    },
  });
}
