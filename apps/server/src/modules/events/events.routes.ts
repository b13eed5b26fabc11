import type { FastifyInstance } from 'fastify';
import type { Database, Queryable } from '../../platform/db';
import { type AuditInput, callerOf } from '../audit';
import { listDeadLetters, replayDeadLetter } from './events.dead-letters.store';
import { eventsErrors } from './events.errors';
import { deadLetterId, deadLettersQuery, eventsQuery, parseEventsInput } from './events.schemas';
import { searchEvents } from './events.store';

const tags = ['events'];
const config = { access: 'tenant-admin' };

export interface EventsRoutesOptions {
  db: Database;
  now: () => Date;
  /** A replayed dead letter is looked at right away. */
  nudge: (tenantId: string) => void;
  /** Records the replay (an admin action) in its transaction. */
  audit?: { append(tx: Queryable, input: AuditInput): Promise<void> } | undefined;
}

export function registerEventsRoutes(app: FastifyInstance, options: EventsRoutesOptions): void {
  const { db } = options;

  app.get(
    '/events',
    {
      config,
      schema: { tags, summary: 'Recent domain events of the tenant (type, aggregate Type or Type/id, after)' },
    },
    async (request) => {
      const query = parseEventsInput(eventsQuery, request.query);
      const [aggregateType, aggregateId] = query.aggregate?.split('/') ?? [];
      const events = await db.withTenant(request.tenantId, (q) =>
        searchEvents(q, request.tenantId, {
          type: query.type,
          aggregateType,
          aggregateId,
          after: query.after,
          limit: query.limit,
        }),
      );
      return { events };
    },
  );

  app.get(
    '/events/dead-letters',
    { config, schema: { tags, summary: 'Events a subscriber gave up on after its retries (dead letters)' } },
    async (request) => {
      const query = parseEventsInput(deadLettersQuery, request.query);
      const deadLetters = await db.withTenant(request.tenantId, (q) =>
        listDeadLetters(q, request.tenantId, query.subscriber, query.limit),
      );
      return { deadLetters };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/events/dead-letters/:id/replay',
    { config, schema: { tags, summary: 'Deliver a dead letter to its subscriber again (fresh attempts)' } },
    async (request, reply) => {
      const id = parseEventsInput(deadLetterId, request.params.id, 'id');
      const replayed = await db.transaction(request.tenantId, async (tx) => {
        const letter = await replayDeadLetter(tx, request.tenantId, id, options.now().toISOString());
        if (letter) {
          await options.audit?.append(tx, {
            ...callerOf(request),
            tenantId: request.tenantId,
            action: 'event-replay',
            outcome: 'success',
            detail: `${letter.type} to ${letter.subscriber}`,
          });
        }
        return letter;
      });
      if (!replayed) throw eventsErrors.deadLetterNotFound(id);
      options.nudge(request.tenantId);
      return reply.code(202).send({ id, status: 'queued' });
    },
  );
}
