import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import type { BoardService } from './beds.board';
import {
  admitBody,
  bedBody,
  blockBody,
  boardQuery,
  createWardBody,
  idParam,
  parseBody,
  roomBody,
  statsQuery,
  transferBody,
} from './beds.schemas';
import type { BedService } from './beds.service';

const TAGS = ['beds'];
type WithId = { Params: { id: string } };

/** Who acts, as Encounter.statusHistory and the audit trail name them. */
const actorOf = (request: FastifyRequest) => clinicalActorOf(request, /^(Practitioner|PractitionerRole)\//);
const idFrom = (request: FastifyRequest<WithId>) => parseBody(idParam, request.params).id;

/**
 * The bed board. Structure and reads declare `fhir` (the FHIR policy decides per resource, so a tenant
 * admin sets up wards); moves declare `front-desk`, and their Encounter writes still go through the
 * caller's FHIR access.
 */
export function registerBedRoutes(app: FastifyInstance, beds: BedService, board: BoardService): void {
  const fhir = { access: 'fhir' };
  const desk = { access: 'front-desk' };

  app.post(
    '/beds/wards',
    { config: fhir, schema: { tags: TAGS, summary: 'Set up a ward with its rooms and beds (FHIR Locations)' } },
    async (request, reply) => {
      const input = parseBody(createWardBody, request.body);
      const ward = await board.createWard(fhirContextOf(request), actorOf(request), input);
      return reply.code(201).header('location', `/beds/wards/${ward.id}`).send(ward);
    },
  );

  app.get<WithId>(
    '/beds/wards/:id',
    { config: fhir, schema: { tags: TAGS, summary: 'One ward of the board: rooms, beds, who lies where' } },
    async (request) => (await board.board(fhirContextOf(request), actorOf(request), idFrom(request)))[0],
  );

  app.post<WithId>(
    '/beds/wards/:id/rooms',
    { config: fhir, schema: { tags: TAGS, summary: 'Add a room (with beds) to a ward' } },
    async (request, reply) => {
      const room = parseBody(roomBody, request.body);
      return reply.code(201).send(await board.addRoom(fhirContextOf(request), actorOf(request), idFrom(request), room));
    },
  );

  app.post<WithId>(
    '/beds/rooms/:id/beds',
    { config: fhir, schema: { tags: TAGS, summary: 'Add a bed to a room' } },
    async (request, reply) => {
      const { name } = parseBody(bedBody, request.body);
      return reply.code(201).send(await board.addBed(fhirContextOf(request), idFrom(request), name));
    },
  );

  app.get(
    '/beds/board',
    { config: fhir, schema: { tags: TAGS, summary: 'Wards → rooms → beds with status, since when and patient' } },
    async (request) => {
      const { ward } = parseBody(boardQuery, request.query);
      return { wards: await board.board(fhirContextOf(request), actorOf(request), ward) };
    },
  );

  app.get<WithId>(
    '/beds/wards/:id/stats',
    {
      config: fhir,
      schema: { tags: TAGS, summary: 'Occupancy now and, with from and to, occupancy and turnover over the period' },
    },
    async (request) => {
      const { from, to } = parseBody(statsQuery, request.query);
      return board.stats(fhirContextOf(request), idFrom(request), from && to ? { from, to } : undefined);
    },
  );

  app.post(
    '/beds/admissions',
    { config: desk, schema: { tags: TAGS, summary: 'Admit a patient to a free bed (an inpatient Encounter)' } },
    async (request, reply) => {
      const input = parseBody(admitBody, request.body);
      return reply.code(201).send(await beds.admit(fhirContextOf(request), actorOf(request), input));
    },
  );

  app.post<WithId>(
    '/beds/stays/:id/transfer',
    { config: desk, schema: { tags: TAGS, summary: 'Move the stay (Encounter id) to another free bed' } },
    async (request) => {
      const { bed } = parseBody(transferBody, request.body);
      return beds.transfer(fhirContextOf(request), actorOf(request), idFrom(request), bed);
    },
  );

  app.post<WithId>(
    '/beds/stays/:id/discharge',
    { config: desk, schema: { tags: TAGS, summary: 'Discharge: the visit ends, the bed goes to cleaning' } },
    async (request) => beds.discharge(fhirContextOf(request), actorOf(request), idFrom(request)),
  );

  app.post<WithId>(
    '/beds/:id/cleaned',
    { config: desk, schema: { tags: TAGS, summary: 'The bed is clean: cleaning → free' } },
    async (request) => beds.cleaned(fhirContextOf(request), actorOf(request), idFrom(request)),
  );

  app.post<WithId>(
    '/beds/:id/block',
    { config: desk, schema: { tags: TAGS, summary: 'Block a free or cleaning bed, with a reason' } },
    async (request) => {
      const { reason } = parseBody(blockBody, request.body);
      return beds.block(fhirContextOf(request), actorOf(request), idFrom(request), reason);
    },
  );

  app.post<WithId>(
    '/beds/:id/unblock',
    { config: desk, schema: { tags: TAGS, summary: 'Unblock a bed: blocked → free' } },
    async (request) => beds.unblock(fhirContextOf(request), actorOf(request), idFrom(request)),
  );
}
