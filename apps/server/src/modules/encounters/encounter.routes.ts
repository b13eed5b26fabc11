import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import {
  createEncounterBody,
  diagnosisBody,
  locationBody,
  parseBody,
  participantsBody,
  reasonBody,
  transitionBody,
} from './encounter.schemas';
import type { EncounterService } from './encounter.service';
import { allowedTransitions, type EncounterStatus } from './encounter.state';

const TAGS = ['encounters'];
type WithId = { Params: { id: string } };

/** The task-shaped Encounter API: create a visit, move it through its lifecycle, and keep its details. */
export function registerEncounterRoutes(app: FastifyInstance, service: EncounterService): void {
  const access = { access: 'fhir' };

  app.post(
    '/encounters',
    { config: access, schema: { tags: TAGS, summary: 'Plan a visit (status planned)' } },
    async (request, reply) => {
      const input = parseBody(createEncounterBody, request.body);
      const encounter = await service.create(fhirContextOf(request), clinicalActorOf(request), input);
      return reply.code(201).header('location', `/encounters/${encounter.id}`).send(encounter);
    },
  );

  app.get<WithId>(
    '/encounters/:id',
    { config: access, schema: { tags: TAGS, summary: 'The Encounter' } },
    async (request) => service.read(fhirContextOf(request), clinicalActorOf(request), request.params.id),
  );

  app.get<WithId>(
    '/encounters/:id/transitions',
    { config: access, schema: { tags: TAGS, summary: 'The current status and the statuses it may move to' } },
    async (request) => {
      const encounter = await service.read(fhirContextOf(request), clinicalActorOf(request), request.params.id);
      return {
        status: encounter.status,
        allowedTransitions: allowedTransitions(encounter.status),
        statusHistory: encounter.statusHistory ?? [],
      };
    },
  );

  const transition = (request: FastifyRequest<WithId>, to: EncounterStatus, reason?: string) =>
    service.transition(fhirContextOf(request), clinicalActorOf(request), request.params.id, to, reason);

  app.post<WithId>(
    '/encounters/:id/transitions',
    { config: access, schema: { tags: TAGS, summary: 'Move the visit to another status ({ to, reason? })' } },
    async (request) => {
      const { to, reason } = parseBody(transitionBody, request.body);
      return transition(request, to, reason);
    },
  );

  app.post<WithId>(
    '/encounters/:id/check-in',
    { config: access, schema: { tags: TAGS, summary: 'The patient arrived (status arrived)' } },
    async (request) => transition(request, 'arrived'),
  );

  app.post<WithId>(
    '/encounters/:id/check-out',
    { config: access, schema: { tags: TAGS, summary: 'The visit is over (status finished)' } },
    async (request) => transition(request, 'finished'),
  );

  app.put<WithId>(
    '/encounters/:id/participants',
    {
      config: access,
      schema: { tags: TAGS, summary: 'Set the attending and participating practitioners' },
    },
    async (request) => {
      const input = parseBody(participantsBody, request.body);
      return service.setParticipants(
        fhirContextOf(request),
        clinicalActorOf(request),
        request.params.id,
        input.attending,
        input.participants,
      );
    },
  );

  app.put<WithId>(
    '/encounters/:id/location',
    { config: access, schema: { tags: TAGS, summary: 'Move the visit to a location' } },
    async (request) => {
      const { location } = parseBody(locationBody, request.body);
      return service.setLocation(fhirContextOf(request), clinicalActorOf(request), request.params.id, location);
    },
  );

  app.put<WithId>(
    '/encounters/:id/reason',
    { config: access, schema: { tags: TAGS, summary: 'Set the reasons for the visit' } },
    async (request) => {
      const { reason } = parseBody(reasonBody, request.body);
      return service.setReason(fhirContextOf(request), clinicalActorOf(request), request.params.id, reason);
    },
  );

  app.post<WithId>(
    '/encounters/:id/diagnoses',
    { config: access, schema: { tags: TAGS, summary: 'Add a diagnosis (a Condition of the same patient)' } },
    async (request) => {
      const input = parseBody(diagnosisBody, request.body);
      return service.addDiagnosis(fhirContextOf(request), clinicalActorOf(request), request.params.id, input);
    },
  );
}
