import type { FastifyInstance } from 'fastify';
import type { Database } from '../db';
import type { Metrics } from './metrics';

export function registerHealthRoutes(app: FastifyInstance, deps: { db: Database; metrics: Metrics }): void {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['platform'], summary: 'Liveness: the process is up' },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { tags: ['platform'], summary: 'Readiness: the database answers' },
    },
    async (_request, reply) => {
      try {
        await deps.db.ping();
        return { status: 'ready', database: deps.db.engine };
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: deps.db.engine });
      }
    },
  );

  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: { tags: ['platform'], summary: 'Prometheus metrics', hide: false },
    },
    async (_request, reply) => {
      reply.header('content-type', deps.metrics.registry.contentType);
      return deps.metrics.registry.metrics();
    },
  );
}
