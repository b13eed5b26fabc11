import type { FastifyInstance } from 'fastify';
import type { Principal } from '../identity';
import { subscriptionsErrors } from './subscriptions.errors';
import { createWebhookBody, deliveriesQuery, parseInput, webhookId } from './webhooks.schemas';
import type { WebhooksService } from './webhooks.service';

const tags = ['webhooks'];
const config = { access: 'tenant-admin' };

export function registerWebhookRoutes(app: FastifyInstance, service: WebhooksService): void {
  app.post(
    '/webhooks',
    {
      config,
      schema: { tags, summary: 'Add an endpoint for domain events; its signing secret is shown in this answer only' },
    },
    async (request, reply) => {
      const principal = request.principal as Principal | undefined;
      if (!principal) throw subscriptionsErrors.invalidRequest('A signed-in admin adds webhooks');
      const created = await service.create(principal, parseInput(createWebhookBody, request.body));
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/webhooks',
    { config, schema: { tags, summary: 'The tenant’s webhook endpoints (no secrets)' } },
    async (request) => ({
      webhooks: await service.list(request.tenantId),
    }),
  );

  app.delete<{ Params: { id: string } }>(
    '/webhooks/:id',
    { config, schema: { tags, summary: 'Stop sending to an endpoint (its delivery log stays)' } },
    async (request, reply) => {
      await service.remove(request.tenantId, parseInput(webhookId, request.params.id));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/webhooks/:id/deliveries',
    { config, schema: { tags, summary: 'Delivery log of an endpoint: status, attempts, next retry, last answer' } },
    async (request) => {
      const id = parseInput(webhookId, request.params.id);
      const { limit } = parseInput(deliveriesQuery, request.query);
      return { deliveries: await service.deliveries(request.tenantId, id, limit) };
    },
  );
}
