import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { noteErrors } from './note.errors';
import { addendumBody, createNoteBody, editNoteBody, listNotesQuery, parseNoteInput } from './note.schemas';
import type { NoteActor, NoteService } from './note.service';
import { NOTE_TEMPLATES } from './note.templates';

export const NOTE_USER_SYSTEM = 'https://meridian.health/fhir/sid/user';
export const NOTE_CLIENT_SYSTEM = 'https://meridian.health/fhir/sid/client';
/** fhirUser types a Composition may name as author and attester. */
const AUTHOR_TYPES = /^(Practitioner|PractitionerRole)\//;

/** The caller as author or signer: their FHIR identity when they have one, and always their account. */
export function noteActorOf(request: FastifyRequest): NoteActor {
  const principal = request.principal;
  const base = { ip: request.ip, requestId: request.id };
  if (!principal) return base;
  return {
    ...base,
    userId: principal.userId,
    clientId: principal.clientId,
    roles: principal.roles,
    reference: {
      ...(principal.fhirUser && AUTHOR_TYPES.test(principal.fhirUser) ? { reference: principal.fhirUser } : {}),
      identifier: principal.userId
        ? { system: NOTE_USER_SYSTEM, value: principal.userId }
        : { system: NOTE_CLIENT_SYSTEM, value: principal.clientId ?? principal.subject },
    },
  };
}

const TAGS = ['notes'];
type WithId = { Params: { id: string } };

export function registerNoteRoutes(app: FastifyInstance, service: NoteService): void {
  const config = { access: 'fhir' };

  app.get(
    '/notes/templates',
    { config, schema: { tags: TAGS, summary: 'Note templates and their sections' } },
    async () =>
      NOTE_TEMPLATES.map((template) => ({
        id: template.id,
        title: template.title,
        type: template.type,
        sections: template.sections,
      })),
  );

  app.post(
    '/notes',
    { config, schema: { tags: TAGS, summary: 'Start a draft note from a template' } },
    async (request, reply) => {
      const input = parseNoteInput(createNoteBody, request.body);
      const note = await service.create(fhirContextOf(request), noteActorOf(request), input);
      return reply.code(201).header('location', `/notes/${note.id}`).send(note);
    },
  );

  app.get(
    '/notes',
    { config, schema: { tags: TAGS, summary: 'Notes of a patient or an encounter, newest first' } },
    async (request) => {
      const query = parseNoteInput(listNotesQuery, request.query);
      if (!query.patient && !query.encounter) {
        throw noteErrors.invalidRequest('patient: say whose notes (patient or encounter)', 'patient');
      }
      return service.list(fhirContextOf(request), noteActorOf(request), query);
    },
  );

  app.get<WithId>(
    '/notes/:id',
    { config, schema: { tags: TAGS, summary: 'A note and its addenda' } },
    async (request) => service.get(fhirContextOf(request), noteActorOf(request), request.params.id),
  );

  app.patch<WithId>(
    '/notes/:id',
    { config, schema: { tags: TAGS, summary: 'Edit a draft note (its author only; signed notes are read-only)' } },
    async (request) => {
      const change = parseNoteInput(editNoteBody, request.body);
      return service.edit(fhirContextOf(request), noteActorOf(request), request.params.id, change);
    },
  );

  app.post<WithId>(
    '/notes/:id/sign',
    { config, schema: { tags: TAGS, summary: 'Sign a draft note (its author only)' } },
    async (request) => service.sign(fhirContextOf(request), noteActorOf(request), request.params.id),
  );

  app.post<WithId>(
    '/notes/:id/addenda',
    { config, schema: { tags: TAGS, summary: 'Start a draft addendum to a signed note' } },
    async (request, reply) => {
      const input = parseNoteInput(addendumBody, request.body);
      const note = await service.addendum(fhirContextOf(request), noteActorOf(request), request.params.id, input);
      return reply.code(201).header('location', `/notes/${note.id}`).send(note);
    },
  );
}
