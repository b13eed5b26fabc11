import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fhirContextOf } from '../../fhir';
import { clinicalActorOf } from '../identity';
import type { AppointmentService, SelfService } from './appointment.service';
import { schedulingErrors } from './scheduling.errors';
import { appointmentQuery, bookBody, cancelBody, parse, rescheduleBody } from './scheduling.schemas';

const TAGS = ['scheduling'];
type WithId = { Params: { id: string } };

/**
 * A caller whose only role is patient acts for themselves (the portal): the tenant's self-booking rules
 * apply, and the FHIR policy keeps them to their own compartment.
 */
async function selfOf(request: FastifyRequest, appointments: AppointmentService): Promise<SelfService> {
  const principal = request.principal;
  if (!principal?.roles.length || principal.roles.some((role) => role !== 'patient')) return undefined;
  const fhirUser =
    principal.fhirUser ??
    (principal.userId ? await appointments.memberFhirUser(request.tenantId, principal.userId) : undefined);
  const patientId = fhirUser?.startsWith('Patient/') ? fhirUser.slice(8) : undefined;
  if (!patientId) throw schedulingErrors.forbidden('Your account is not linked to a patient record');
  return { patientId };
}

function staffOnly(request: FastifyRequest, action: string): void {
  if (request.principal?.roles.length && request.principal.roles.every((role) => role === 'patient'))
    throw schedulingErrors.forbidden(`Patients cannot ${action} appointments`);
}

const actor = (request: FastifyRequest) => clinicalActorOf(request, /^(Practitioner|PractitionerRole)\//);

/** Booking, moving, cancelling, no-shows, check-in and the calendar, over FHIR Appointments. */
export function registerAppointmentRoutes(app: FastifyInstance, appointments: AppointmentService): void {
  // Appointments are FHIR resources: the FHIR policy decides (patients: only their own).
  const config = { access: 'fhir' };

  app.post(
    '/appointments',
    { config, schema: { tags: TAGS, summary: 'Book a slot for a patient (409 when it is taken)' } },
    async (request, reply) => {
      const input = parse(bookBody, request.body);
      const appointment = await appointments.book(
        fhirContextOf(request),
        actor(request),
        input,
        await selfOf(request, appointments),
      );
      return reply.code(201).header('location', `/appointments/${appointment.id}`).send(appointment);
    },
  );

  app.get(
    '/appointments',
    {
      config,
      schema: { tags: TAGS, summary: 'Calendar: appointments of a day or week by practitioner, patient or location' },
    },
    async (request) => {
      const query = parse(appointmentQuery, request.query);
      const self = await selfOf(request, appointments);
      return appointments.calendar(fhirContextOf(request), actor(request), {
        ...query,
        ...(self ? { patient: self.patientId } : {}),
      });
    },
  );

  app.get<WithId>(
    '/appointments/:id',
    { config, schema: { tags: TAGS, summary: 'The Appointment' } },
    async (request) => appointments.readFor(fhirContextOf(request), actor(request), request.params.id),
  );

  app.post<WithId>(
    '/appointments/:id/reschedule',
    { config, schema: { tags: TAGS, summary: 'Move the appointment to another slot ({ slot })' } },
    async (request) => {
      const { slot } = parse(rescheduleBody, request.body);
      return appointments.reschedule(
        fhirContextOf(request),
        actor(request),
        request.params.id,
        slot,
        await selfOf(request, appointments),
      );
    },
  );

  app.post<WithId>(
    '/appointments/:id/cancel',
    { config, schema: { tags: TAGS, summary: 'Cancel the appointment with a reason code; the slot is offered on' } },
    async (request) => {
      const { reason } = parse(cancelBody, request.body);
      return appointments.cancel(
        fhirContextOf(request),
        actor(request),
        request.params.id,
        reason,
        await selfOf(request, appointments),
      );
    },
  );

  app.post<WithId>(
    '/appointments/:id/no-show',
    { config, schema: { tags: TAGS, summary: 'The patient did not come (status noshow)' } },
    async (request) => {
      staffOnly(request, 'mark no-shows of');
      return appointments.noShow(fhirContextOf(request), actor(request), request.params.id);
    },
  );

  app.post<WithId>(
    '/appointments/:id/check-in',
    {
      config,
      schema: { tags: TAGS, summary: 'The patient arrived: appointment arrived and an arrived Encounter opened' },
    },
    async (request) => {
      staffOnly(request, 'check in');
      return appointments.checkIn(fhirContextOf(request), actor(request), request.params.id);
    },
  );
}
