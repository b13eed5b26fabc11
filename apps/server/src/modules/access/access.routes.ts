import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal } from '../identity';
import { accessErrors } from './access.errors';
import { breakGlassBody, policyDocument } from './access.schemas';
import type { AccessService, PolicyView } from './access.service';

function parseWith<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw accessErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}

function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw accessErrors.forbidden('A signed-in caller is needed');
  return request.principal;
}

const metaOf = (request: FastifyRequest) => ({ ip: request.ip, requestId: request.id });
const etag = (view: PolicyView) => `W/"${view.version}"`;

function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(String(header).trim());
  if (!match)
    throw accessErrors.invalidRequest('If-Match must be the ETag of GET /access/policies, e.g. W/"3"', 'If-Match');
  return Number(match[1]);
}

/** The access API: the tenant's policy, break-the-glass, and the alerts it raises. */
export function registerAccessRoutes(app: FastifyInstance, access: AccessService): void {
  const tags = ['access'];
  app.get(
    '/access/policies',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'The tenant’s access policy (ETag: its version)' } },
    async (request, reply) => {
      const view = await access.readPolicy(principalOf(request).tenantId);
      return reply.header('etag', etag(view)).header('cache-control', 'no-store').send(view);
    },
  );

  app.put(
    '/access/policies',
    {
      config: { access: 'tenant-admin' },
      schema: { tags, summary: 'Replace the tenant’s access policy (If-Match: the version it changes); audited' },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body as { policy?: unknown } | undefined;
      // Either the document itself or the `policy` of what GET answered.
      const document = parseWith(
        policyDocument,
        body && typeof body === 'object' && 'policy' in body ? body.policy : body,
      );
      const view = await access.replacePolicy(principal, document, metaOf(request), expectedVersion(request));
      return reply.header('etag', etag(view)).send(view);
    },
  );

  app.post(
    '/access/break-the-glass',
    {
      config: { access: 'break-the-glass' },
      schema: { tags, summary: 'Time-limited access to one patient despite restrictions; audited, alerts admins' },
    },
    async (request, reply) => {
      const input = parseWith(breakGlassBody, request.body);
      return reply.code(201).send(await access.breakGlass(principalOf(request), input, metaOf(request)));
    },
  );

  app.get(
    '/access/alerts',
    { config: { access: 'tenant-admin' }, schema: { tags, summary: 'Alerts for the tenant’s admins, newest first' } },
    async (request) => {
      const raw = (request.query as { limit?: string }).limit;
      const limit = raw === undefined ? 100 : Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw accessErrors.invalidRequest('limit must be a whole number from 1 to 1000', 'limit');
      }
      return { alerts: await access.alerts(principalOf(request).tenantId, limit) };
    },
  );
}
