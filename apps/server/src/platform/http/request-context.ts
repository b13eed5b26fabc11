import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant every query of this request is scoped to. */
    tenantId: string;
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route: 'public' (anyone), or the name of the access rule that guards it.
     * Every route must say; a test walks the route table and fails on any route that does not.
     */
    access?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accept the caller's X-Request-Id when it is a sane token, so a request can be followed across systems. */
export function requestIdFrom(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Scopes each request to a tenant. Until sign-in exists every request belongs to the configured
 * development tenant; with MERIDIAN_TENANT_HEADER on (tests, development) X-Meridian-Tenant picks another.
 */
export function registerRequestContext(app: FastifyInstance, config: Config): void {
  app.decorateRequest('tenantId', '');
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    reply.header('x-request-id', request.id);
    const asked = request.headers['x-meridian-tenant'];
    request.tenantId =
      config.tenantHeader && typeof asked === 'string' && UUID.test(asked) ? asked.toLowerCase() : config.defaultTenant;
  });
}
