import type { FastifyInstance } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { sameOrigin } from './live';
import type { FhirSubscriptionService } from './subscription.service';

export const SUBSCRIPTION_WEBSOCKET_PATH = '/fhir/R4/$subscription-websocket';

/**
 * The R4 websocket channel: the client sends `bind <subscription-id>`, the server answers `bound <id>`
 * and later sends `ping <id>` whenever a resource matching that Subscription's criteria is written. A
 * client binds only Subscriptions it may read (the caller's FHIR access decides, as on a read).
 */
export function registerSubscriptionWebsocket(app: FastifyInstance, service: FhirSubscriptionService): void {
  app.get(
    SUBSCRIPTION_WEBSOCKET_PATH,
    {
      websocket: true,
      config: { access: 'fhir' },
      schema: {
        tags: ['fhir-subscriptions'],
        summary: 'FHIR R4 Subscription websocket channel (bind <id> → ping <id>)',
      },
    },
    (socket, request) => {
      if (!sameOrigin(request)) {
        socket.close(4003, 'origin not allowed');
        return;
      }
      const ctx = fhirContextOf(request);
      const bound = { send: (message: string) => socket.send(message) };
      socket.on('message', async (raw: Buffer) => {
        const match = /^bind\s+([A-Za-z0-9\-.]{1,64})\s*$/.exec(raw.toString('utf8'));
        if (!match) {
          socket.send('error unknown command (bind <subscription-id>)');
          return;
        }
        const id = match[1]!;
        try {
          const subscription = await service.readFor(ctx, id);
          if (subscription.channel?.type !== 'websocket') {
            socket.send(`error ${id} is not a websocket Subscription`);
            return;
          }
          service.bind(ctx.tenantId, id, bound);
          socket.send(`bound ${id}`);
        } catch {
          socket.send(`error ${id} not found`);
        }
      });
      socket.on('close', () => service.unbind(bound));
    },
  );
}
