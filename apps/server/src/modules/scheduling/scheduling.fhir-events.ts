import type { Appointment } from '@medplum/fhirtypes';
import type { FhirContext, FhirRepository } from '../../fhir';
import type { FhirWriteEvent } from '../../fhir/core/write-observer';
import type { Queryable } from '../../platform/db';
import { actorOf, patientOf } from './appointment.participants';
import type { AppointmentEventType, EventPublisher } from './scheduling.events';
import { slotIdsOf } from './scheduling.seats';

const VIA_SCHEDULING = Symbol('written by the scheduling API');
const OPEN = new Set(['proposed', 'pending', 'booked']);

/** Marks a context whose Appointment writes the scheduling API publishes itself (with its own details). */
export function viaScheduling(ctx: FhirContext): FhirContext {
  return Object.assign(ctx, { [VIA_SCHEDULING]: true });
}

function isViaScheduling(ctx: FhirContext): boolean {
  return (ctx as { [VIA_SCHEDULING]?: boolean })[VIA_SCHEDULING] === true;
}

/** What happened between two versions of an Appointment, as a domain event type (undefined: nothing to tell). */
export function appointmentChange(
  before: Appointment | undefined,
  after: Appointment,
): { type: AppointmentEventType; data: Record<string, unknown> } | undefined {
  const was = before?.status;
  const now = after.status;
  if (now === 'cancelled' && was !== 'cancelled') {
    const reason = after.cancelationReason?.coding?.[0]?.code;
    return { type: 'appointment.cancelled', data: reason ? { reason } : {} };
  }
  if (now === 'noshow' && was !== 'noshow') return { type: 'appointment.no-show', data: {} };
  if (now === 'arrived' && was !== 'arrived') return { type: 'appointment.checked-in', data: {} };
  if ((now === 'booked' || now === 'pending') && (!was || !OPEN.has(was))) {
    const [slot] = slotIdsOf(after);
    return { type: 'appointment.booked', data: slot ? { slot } : {} };
  }
  if (before && OPEN.has(now) && OPEN.has(was ?? '')) {
    const from = slotIdsOf(before);
    const to = slotIdsOf(after);
    if (to.length && to.join() !== from.join()) {
      return { type: 'appointment.rescheduled', data: { ...(from[0] ? { fromSlot: from[0] } : {}), slot: to[0] } };
    }
  }
  return undefined;
}

/**
 * Appointment events for Appointments written through plain FHIR (REST, Bundles, imports), on the outbox
 * in the write's transaction. Writes by the scheduling API are left to it: it publishes them itself.
 */
export function appointmentEventsFromFhir(repository: FhirRepository, events: EventPublisher) {
  return async (tx: Queryable, writes: FhirWriteEvent[], ctx: FhirContext): Promise<void> => {
    if (isViaScheduling(ctx)) return;
    for (const write of writes) {
      if (write.resourceType !== 'Appointment' || write.action === 'delete' || !write.resource) continue;
      const after = write.resource as Appointment;
      let before: Appointment | undefined;
      if (write.versionId > 1) {
        try {
          const stored = await repository.vread(
            { tenantId: ctx.tenantId, tx },
            'Appointment',
            write.id,
            String(write.versionId - 1),
          );
          before = stored.content ? (JSON.parse(stored.content) as Appointment) : undefined;
        } catch {
          // The version before was a deletion: the Appointment starts again.
        }
      }
      const change = appointmentChange(before, after);
      if (!change) continue;
      await events.publish(tx, ctx.tenantId, {
        type: change.type,
        version: 1,
        aggregate: { type: 'Appointment', id: write.id },
        data: {
          appointment: write.id,
          status: after.status,
          patient: patientOf(after),
          practitioner: actorOf(after, 'Practitioner'),
          location: actorOf(after, 'Location'),
          start: after.start,
          end: after.end,
          ...change.data,
        },
      });
    }
  };
}
