import type { FastifyInstance } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import {
  createOrderBody,
  enteredInErrorBody,
  inboxQuery,
  listOrdersQuery,
  parseOrdersInput,
  postResultsBody,
  resourceId,
  revokeBody,
} from './orders.schemas';
import type { OrdersService } from './orders.service';
import type { OrderStatus } from './orders.state';
import type { ResultsInbox } from './results.inbox';
import { SHIPPED_RANGES } from './results.ranges';
import type { ResultsService } from './results.service';

/** fhirUser types an order may name as requester, and a result as performer. */
const CLINICIAN = /^(Practitioner|PractitionerRole)\//;

type WithId = { Params: { id: string } };

export interface OrdersRoutesDeps {
  orders: OrdersService;
  results: ResultsService;
  inbox: ResultsInbox;
}

export function registerOrdersRoutes(app: FastifyInstance, { orders, results, inbox }: OrdersRoutesDeps): void {
  const fhir = { access: 'fhir' };
  const tags = ['orders'];

  app.post<WithId>(
    '/patients/:id/orders',
    {
      config: fhir,
      schema: {
        tags,
        summary:
          'Order a lab test or an imaging study (draft, or active with activate: true); an accession number is assigned',
      },
    },
    async (request, reply) => {
      const patient = parseOrdersInput(resourceId, request.params.id);
      const input = parseOrdersInput(createOrderBody, request.body);
      const order = await orders.create(fhirContextOf(request), clinicalActorOf(request, CLINICIAN), patient, input);
      return reply.code(201).send(order);
    },
  );

  app.get<WithId>(
    '/patients/:id/orders',
    {
      config: fhir,
      schema: { tags, summary: "A patient's orders, newest first (status=active,completed; kind=lab|imaging)" },
    },
    async (request) => {
      const patient = parseOrdersInput(resourceId, request.params.id);
      const query = parseOrdersInput(listOrdersQuery, request.query);
      return orders.list(fhirContextOf(request), clinicalActorOf(request, CLINICIAN), patient, query);
    },
  );

  app.get(
    '/orders/reference-ranges',
    {
      config: fhir,
      schema: { tags, summary: 'The adult reference ranges and critical limits used when a result has none' },
    },
    async () => SHIPPED_RANGES,
  );

  app.get<WithId>(
    '/orders/:id',
    { config: fhir, schema: { tags, summary: 'An order with its result reports and their observations' } },
    async (request) =>
      orders.read(
        fhirContextOf(request),
        clinicalActorOf(request, CLINICIAN),
        parseOrdersInput(resourceId, request.params.id),
      ),
  );

  const transitions: [string, OrderStatus, string][] = [
    ['activate', 'active', 'Place a draft order (or resume one on hold)'],
    ['complete', 'completed', 'Complete an active order'],
    ['revoke', 'revoked', 'Revoke an order that is not completed (reason optional)'],
    ['entered-in-error', 'entered-in-error', 'Mark an order entered in error (reason required)'],
  ];
  for (const [path, to, summary] of transitions) {
    app.post<WithId>(`/orders/:id/${path}`, { config: fhir, schema: { tags, summary } }, async (request) => {
      const id = parseOrdersInput(resourceId, request.params.id);
      const body = parseOrdersInput(to === 'entered-in-error' ? enteredInErrorBody : revokeBody, request.body);
      return orders.transition(fhirContextOf(request), clinicalActorOf(request, CLINICIAN), id, to, body.reason);
    });
  }

  app.post<WithId>(
    '/orders/:id/results',
    {
      config: fhir,
      schema: {
        tags,
        summary:
          'Post results for an order (analytes: code, value+unit or text, optional range); flags computed, critical values alert the requester',
      },
    },
    async (request, reply) => {
      const id = parseOrdersInput(resourceId, request.params.id);
      const input = parseOrdersInput(postResultsBody, request.body);
      const posted = await results.post(fhirContextOf(request), clinicalActorOf(request, CLINICIAN), id, input);
      return reply.code(201).send(posted);
    },
  );

  const clinical = { access: 'clinical' };
  app.get(
    '/inbox/results',
    {
      config: clinical,
      schema: {
        tags: ['results inbox'],
        summary:
          "The caller's results inbox: results of their orders (unacknowledged and critical first) and overdue orders",
      },
    },
    async (request) =>
      inbox.list(
        fhirContextOf(request),
        clinicalActorOf(request, CLINICIAN),
        parseOrdersInput(inboxQuery, request.query),
      ),
  );

  app.post<{ Params: { reportId: string } }>(
    '/inbox/results/:reportId/acknowledge',
    { config: clinical, schema: { tags: ['results inbox'], summary: 'Acknowledge a result (audited)' } },
    async (request) =>
      inbox.acknowledge(
        fhirContextOf(request),
        clinicalActorOf(request, CLINICIAN),
        parseOrdersInput(resourceId, request.params.reportId),
      ),
  );
}
