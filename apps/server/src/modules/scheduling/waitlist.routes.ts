import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import { offerQuery, parse, waitlistBody, waitlistQuery } from './scheduling.schemas';
import type { WaitlistService } from './waitlist.service';

const TAGS = ['scheduling'];
const idParams = z.object({ id: z.uuid() });

/** The waitlist and its offers: the front desk's work. */
export function registerWaitlistRoutes(app: FastifyInstance, waitlist: WaitlistService): void {
  const config = { access: 'front-desk' };

  app.post(
    '/scheduling/waitlist',
    {
      config,
      schema: { tags: TAGS, summary: 'Put a patient on the waitlist (visit type, practitioner, date window)' },
    },
    async (request, reply) => {
      const entry = await waitlist.add(
        fhirContextOf(request),
        clinicalActorOf(request),
        parse(waitlistBody, request.body),
      );
      return reply.code(201).send(entry);
    },
  );

  app.get(
    '/scheduling/waitlist',
    {
      config,
      schema: {
        tags: TAGS,
        summary:
          'The waitlist, oldest first, with patient names (status=waiting,offered: any of waiting, offered, booked, removed)',
      },
    },
    async (request) => {
      const { status } = parse(waitlistQuery, request.query);
      return waitlist.list(fhirContextOf(request), clinicalActorOf(request), status);
    },
  );

  app.delete(
    '/scheduling/waitlist/:id',
    { config, schema: { tags: TAGS, summary: 'Take a patient off the waitlist (an open offer is withdrawn)' } },
    async (request) =>
      waitlist.remove(fhirContextOf(request), clinicalActorOf(request), parse(idParams, request.params).id),
  );

  app.get(
    '/scheduling/offers',
    {
      config,
      schema: {
        tags: TAGS,
        summary:
          'Offers of freed slots to waitlisted patients, newest first, with patient, slot times and practitioner (waitlistEntry=, slot=, status=open,expired,…)',
      },
    },
    async (request) =>
      waitlist.offers(fhirContextOf(request), clinicalActorOf(request), parse(offerQuery, request.query)),
  );

  app.post(
    '/scheduling/offers/:id/accept',
    { config, schema: { tags: TAGS, summary: 'Accept an offer: the slot is booked for the waitlisted patient' } },
    async (request) =>
      waitlist.accept(fhirContextOf(request), clinicalActorOf(request), parse(idParams, request.params).id),
  );

  app.post(
    '/scheduling/offers/:id/decline',
    { config, schema: { tags: TAGS, summary: 'Decline an offer: the slot goes to the next match' } },
    async (request) =>
      waitlist.decline(fhirContextOf(request), clinicalActorOf(request), parse(idParams, request.params).id),
  );
}
