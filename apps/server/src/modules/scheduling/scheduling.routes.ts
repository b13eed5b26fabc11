import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fhirContextOf } from '../../fhir';
import type { ScheduleService } from './schedule.service';
import {
  availabilityBody,
  exceptionsBody,
  idOf,
  parse,
  scheduleBody,
  settingsBody,
  slotQuery,
  visitTypeBody,
} from './scheduling.schemas';

const TAGS = ['scheduling'];
type WithId = { Params: { id: string } };

const scheduleFilter = z.object({
  practitioner: idOf('Practitioner').optional(),
  location: idOf('Location').optional(),
});

/** Schedules (availability, exceptions), visit types, free-slot search and the tenant's booking rules. */
export function registerSchedulingRoutes(app: FastifyInstance, schedules: ScheduleService): void {
  // Schedules are FHIR Schedules: the FHIR policy decides who may read or change them.
  const fhir = { access: 'fhir' };

  app.post(
    '/scheduling/schedules',
    {
      config: fhir,
      schema: { tags: TAGS, summary: 'Create a schedule (practitioner, room or device) with its weekly availability' },
    },
    async (request, reply) => {
      const view = await schedules.create(fhirContextOf(request), parse(scheduleBody, request.body));
      return reply.code(201).header('location', `/scheduling/schedules/${view.id}`).send(view);
    },
  );

  app.get(
    '/scheduling/schedules',
    { config: fhir, schema: { tags: TAGS, summary: 'Schedules, by practitioner or location' } },
    async (request) => schedules.list(fhirContextOf(request), parse(scheduleFilter, request.query)),
  );

  app.get<WithId>(
    '/scheduling/schedules/:id',
    { config: fhir, schema: { tags: TAGS, summary: 'A schedule with its availability and exceptions' } },
    async (request) => schedules.read(fhirContextOf(request), request.params.id),
  );

  app.put<WithId>(
    '/scheduling/schedules/:id',
    { config: fhir, schema: { tags: TAGS, summary: 'Replace a schedule (free slots are regenerated)' } },
    async (request) => schedules.replace(fhirContextOf(request), request.params.id, parse(scheduleBody, request.body)),
  );

  app.put<WithId>(
    '/scheduling/schedules/:id/availability',
    { config: fhir, schema: { tags: TAGS, summary: 'Set the weekly availability (free slots are regenerated)' } },
    async (request) => {
      const { availability } = parse(availabilityBody, request.body);
      return schedules.change(fhirContextOf(request), request.params.id, { availability });
    },
  );

  app.put<WithId>(
    '/scheduling/schedules/:id/exceptions',
    {
      config: fhir,
      schema: { tags: TAGS, summary: 'Set the exceptions (holidays, leave) that remove availability' },
    },
    async (request) => {
      const { exceptions } = parse(exceptionsBody, request.body);
      return schedules.change(fhirContextOf(request), request.params.id, { exceptions });
    },
  );

  app.post<WithId>(
    '/scheduling/schedules/:id/regenerate',
    { config: fhir, schema: { tags: TAGS, summary: 'Regenerate free slots from now to the planning horizon' } },
    async (request) => schedules.regenerate(fhirContextOf(request), request.params.id),
  );

  app.get(
    '/scheduling/slots',
    {
      config: fhir,
      schema: {
        tags: TAGS,
        summary: 'Free slots by practitioner, specialty, location, device or visit type between two instants',
      },
    },
    async (request) => {
      const query = parse(slotQuery, request.query);
      return { slots: await schedules.searchSlots(fhirContextOf(request), query) };
    },
  );

  app.get(
    '/scheduling/visit-types',
    { config: fhir, schema: { tags: TAGS, summary: 'Visit types (duration, specialty, room type)' } },
    async (request) => schedules.listVisitTypes(fhirContextOf(request)),
  );

  app.post(
    '/scheduling/visit-types',
    { config: { access: 'tenant-admin' }, schema: { tags: TAGS, summary: 'Add a visit type' } },
    async (request, reply) => {
      const view = await schedules.saveVisitType(fhirContextOf(request), undefined, parse(visitTypeBody, request.body));
      return reply.code(201).send(view);
    },
  );

  app.put<WithId>(
    '/scheduling/visit-types/:id',
    { config: { access: 'tenant-admin' }, schema: { tags: TAGS, summary: 'Change a visit type' } },
    async (request) => {
      const id = parse(z.object({ id: z.uuid() }), request.params).id;
      return schedules.saveVisitType(fhirContextOf(request), id, parse(visitTypeBody, request.body));
    },
  );

  app.get(
    '/scheduling/settings',
    {
      config: fhir,
      schema: { tags: TAGS, summary: 'Self-booking rules (how far ahead, minimum notice, cancellation cut-off)' },
    },
    async (request) => schedules.settings(fhirContextOf(request)),
  );

  app.put(
    '/scheduling/settings',
    { config: { access: 'tenant-admin' }, schema: { tags: TAGS, summary: 'Set the self-booking rules' } },
    async (request) => schedules.saveSettings(fhirContextOf(request), parse(settingsBody, request.body)),
  );
}
