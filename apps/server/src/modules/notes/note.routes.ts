import type { FastifyInstance } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import { noteErrors } from './note.errors';
import { addendumBody, createNoteBody, editNoteBody, listNotesQuery, parseNoteInput } from './note.schemas';
import type { NoteService } from './note.service';
import { NOTE_TEMPLATES } from './note.templates';

/** fhirUser types a Composition may name as author and attester. */
const AUTHOR_TYPES = /^(Practitioner|PractitionerRole)\//;

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
      const note = await service.create(fhirContextOf(request), clinicalActorOf(request, AUTHOR_TYPES), input);
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
      return service.list(fhirContextOf(request), clinicalActorOf(request, AUTHOR_TYPES), query);
    },
  );

  app.get<WithId>(
    '/notes/:id',
    { config, schema: { tags: TAGS, summary: 'A note and its addenda' } },
    async (request) => service.get(fhirContextOf(request), clinicalActorOf(request, AUTHOR_TYPES), request.params.id),
  );

  app.patch<WithId>(
    '/notes/:id',
    { config, schema: { tags: TAGS, summary: 'Edit a draft note (its author only; signed notes are read-only)' } },
    async (request) => {
      const change = parseNoteInput(editNoteBody, request.body);
      return service.edit(fhirContextOf(request), clinicalActorOf(request, AUTHOR_TYPES), request.params.id, change);
    },
  );

  app.post<WithId>(
    '/notes/:id/sign',
    { config, schema: { tags: TAGS, summary: 'Sign a draft note (its author only)' } },
    async (request) => service.sign(fhirContextOf(request), clinicalActorOf(request, AUTHOR_TYPES), request.params.id),
  );

  app.post<WithId>(
    '/notes/:id/addenda',
    { config, schema: { tags: TAGS, summary: 'Start a draft addendum to a signed note' } },
    async (request, reply) => {
      const input = parseNoteInput(addendumBody, request.body);
      const note = await service.addendum(
        fhirContextOf(request),
        clinicalActorOf(request, AUTHOR_TYPES),
        request.params.id,
        input,
      );
      return reply.code(201).header('location', `/notes/${note.id}`).send(note);
    },
  );
}
