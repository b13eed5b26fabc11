import type { Appointment, AppointmentParticipant, Bundle, Encounter } from '@medplum/fhirtypes';
import { DateTime } from 'luxon';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { EncounterService } from '../encounters';
import { type ClinicalActor, memberFhirUser } from '../identity';
import { actorOf, patientOf, refId } from './appointment.participants';
import { VISIT_TYPE_SYSTEM } from './schedule.service';
import { schedulingErrors } from './scheduling.errors';
import type { AppointmentEventType, EventPublisher } from './scheduling.events';
import { viaScheduling } from './scheduling.fhir-events';
import type { BookInput, SchedulingSettings } from './scheduling.schemas';
import * as store from './scheduling.store';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CANCEL_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason';
const OPEN = new Set(['proposed', 'pending', 'booked']);

/** A patient acting for themselves (the portal): their Patient id. Staff callers have none. */
export type SelfService = { patientId: string } | undefined;

export interface AppointmentServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  events: EventPublisher;
  encounters: EncounterService;
  now: () => Date;
}

/** The non-patient participants an appointment in `slot` has: the schedule's practitioner, room, device. */
function scheduleParticipants(slot: store.SlotRow): AppointmentParticipant[] {
  const actors = [
    slot.practitioner_id && `Practitioner/${slot.practitioner_id}`,
    slot.location_id && `Location/${slot.location_id}`,
    slot.device_id && `Device/${slot.device_id}`,
  ].filter((value): value is string => Boolean(value));
  return actors.map((reference) => ({ actor: { reference }, required: 'required', status: 'accepted' }));
}

function isSlotTaken(error: unknown): boolean {
  return error instanceof FhirError && error.errorCode === 'FHIR_SLOT_TAKEN';
}

/** Booking, rescheduling, cancellation, no-shows and check-in of FHIR Appointments in materialised slots. */
export class AppointmentService {
  constructor(private readonly deps: AppointmentServiceDeps) {}

  async book(ctx: FhirContext, actor: ClinicalActor, input: BookInput, self: SelfService): Promise<Appointment> {
    const { repository } = this.deps;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = viaScheduling({ ...ctx, tx });
        const slot = await this.slot(tx, ctx.tenantId, input.slot);
        if (slot.booked >= slot.capacity) throw schedulingErrors.slotTaken(slot.id);
        if (self) {
          if (input.patient !== self.patientId) {
            throw schedulingErrors.rule('patient: you may book appointments for yourself only', 'patient');
          }
          this.bookingWindow(await store.readSettings(tx, ctx.tenantId), slot);
        }
        const visitType = input.visitType
          ? await this.visitTypeFor(tx, ctx.tenantId, input.visitType, slot)
          : undefined;
        await this.mustExist(inTx, 'Patient', input.patient, 'patient');
        const appointment: Appointment = {
          resourceType: 'Appointment',
          status: 'booked',
          ...(visitType
            ? {
                appointmentType: {
                  coding: [{ system: VISIT_TYPE_SYSTEM, code: visitType.code, display: visitType.name }],
                },
                ...(visitType.specialty ? { specialty: [{ coding: [{ code: visitType.specialty }] }] } : {}),
              }
            : {}),
          ...(input.reason ? { reasonCode: [{ coding: [input.reason] }] } : {}),
          slot: [{ reference: `Slot/${slot.id}` }],
          start: new Date(slot.start_at).toISOString(),
          end: new Date(slot.end_at).toISOString(),
          created: this.deps.now().toISOString(),
          participant: [
            { actor: { reference: `Patient/${input.patient}` }, required: 'required', status: 'accepted' },
            ...scheduleParticipants(slot),
          ],
        };
        const stored = (await repository.create(inTx, appointment)) as Appointment;
        await this.record(tx, ctx.tenantId, actor, stored, 'appointment-book', 'appointment.booked', {
          slot: slot.id,
          ...(visitType ? { visitType: visitType.code } : {}),
        });
        return stored;
      });
    } catch (error) {
      if (isSlotTaken(error)) throw schedulingErrors.slotTaken(input.slot);
      throw error;
    }
  }

  async reschedule(ctx: FhirContext, actor: ClinicalActor, id: string, slotId: string, self: SelfService) {
    return this.change(ctx, actor, id, 'appointment-reschedule', 'appointment.rescheduled', async (appointment, tx) => {
      if (!OPEN.has(appointment.status)) throw schedulingErrors.invalidState(appointment.status, 'rescheduled');
      const slot = await this.slot(tx, ctx.tenantId, slotId);
      const from = (appointment.slot ?? []).map((s) => refId(s.reference, 'Slot')).filter(Boolean);
      if (from.includes(slot.id))
        throw schedulingErrors.invalidRequest('slot: the appointment is already in that slot', 'slot');
      if (slot.booked >= slot.capacity) throw schedulingErrors.slotTaken(slot.id);
      if (self) {
        const settings = await store.readSettings(tx, ctx.tenantId);
        this.cancelCutoff(settings, appointment);
        this.bookingWindow(settings, slot);
      }
      const patient = (appointment.participant ?? []).filter((p) => p.actor?.reference?.startsWith('Patient/'));
      return {
        next: {
          ...appointment,
          slot: [{ reference: `Slot/${slot.id}` }],
          start: new Date(slot.start_at).toISOString(),
          end: new Date(slot.end_at).toISOString(),
          participant: [...patient, ...scheduleParticipants(slot)],
        },
        data: { fromSlot: from[0], slot: slot.id },
      };
    });
  }

  async cancel(ctx: FhirContext, actor: ClinicalActor, id: string, reason: string, self: SelfService) {
    return this.change(ctx, actor, id, 'appointment-cancel', 'appointment.cancelled', async (appointment, tx) => {
      if (!OPEN.has(appointment.status)) throw schedulingErrors.invalidState(appointment.status, 'cancelled');
      if (self) this.cancelCutoff(await store.readSettings(tx, ctx.tenantId), appointment);
      return {
        next: {
          ...appointment,
          status: 'cancelled',
          cancelationReason: { coding: [{ system: CANCEL_REASON_SYSTEM, code: reason }] },
        },
        data: { reason },
      };
    });
  }

  async noShow(ctx: FhirContext, actor: ClinicalActor, id: string) {
    return this.change(ctx, actor, id, 'appointment-no-show', 'appointment.no-show', async (appointment) => {
      if (appointment.status !== 'booked')
        throw schedulingErrors.invalidState(appointment.status, 'marked as a no-show');
      if (appointment.start && new Date(appointment.start) > this.deps.now()) {
        throw schedulingErrors.rule('start: the appointment has not started yet', 'start');
      }
      return { next: { ...appointment, status: 'noshow' }, data: {} };
    });
  }

  /** The patient arrived: the Appointment becomes arrived and an Encounter (arrived) is opened for it. */
  async checkIn(ctx: FhirContext, actor: ClinicalActor, id: string) {
    let encounter: Encounter | undefined;
    const appointment = await this.change(
      ctx,
      actor,
      id,
      'appointment-check-in',
      'appointment.checked-in',
      async (current, _tx, inTx) => {
        if (current.status !== 'booked') throw schedulingErrors.invalidState(current.status, 'checked in');
        const patient = patientOf(current);
        if (!patient) throw schedulingErrors.rule('participant: the appointment names no patient', 'participant');
        const practitioner = actorOf(current, 'Practitioner');
        const location = actorOf(current, 'Location');
        const planned = await this.deps.encounters.create(inTx, actor, {
          patient: `Patient/${patient}`,
          class: 'AMB',
          ...(current.appointmentType ? { type: current.appointmentType } : {}),
          ...(practitioner ? { attending: `Practitioner/${practitioner}` } : {}),
          ...(location ? { location: `Location/${location}` } : {}),
          appointment: `Appointment/${id}`,
        });
        encounter = await this.deps.encounters.transition(inTx, actor, planned.id!, 'arrived');
        return { next: { ...current, status: 'arrived' }, data: { encounter: encounter.id } };
      },
    );
    return { appointment, encounter: encounter! };
  }

  /** The FHIR resource a member is, from their membership (session sign-ins carry none in the token). */
  async memberFhirUser(tenantId: string, userId: string): Promise<string | undefined> {
    return this.deps.repository.reading({ tenantId }, (q) => memberFhirUser(q, tenantId, userId));
  }

  /** Reads for a caller: the access is on record before the answer leaves. */
  async readFor(ctx: FhirContext, actor: ClinicalActor, id: string): Promise<Appointment> {
    const appointment = await this.read(ctx, id);
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      action: 'read',
      outcome: 'success',
      patientId: patientOf(appointment),
      resourceType: 'Appointment',
      resourceId: appointment.id,
    });
    return appointment;
  }

  async read(ctx: FhirContext, id: string): Promise<Appointment> {
    try {
      return (await this.deps.repository.read(ctx, 'Appointment', id)) as Appointment;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw schedulingErrors.notFound('appointment', id);
      }
      throw error;
    }
  }

  /** A calendar: the appointments of one local day or week (Monday first) in `timeZone`, earliest first. */
  async calendar(
    ctx: FhirContext,
    actor: ClinicalActor,
    query: {
      practitioner?: string;
      patient?: string;
      location?: string;
      date: string;
      view: 'day' | 'week';
      timeZone: string;
    },
  ) {
    const day = DateTime.fromISO(query.date, { zone: query.timeZone });
    if (!day.isValid) throw schedulingErrors.invalidRequest('date: not a valid date', 'date');
    const start = query.view === 'week' ? day.startOf('week') : day.startOf('day');
    const end = start.plus(query.view === 'week' ? { weeks: 1 } : { days: 1 });
    const params: [string, string][] = [
      ['date', `ge${start.toUTC().toISO()}`],
      ['date', `lt${end.toUTC().toISO()}`],
      ['_sort', 'date'],
      ['_count', '1000'],
    ];
    if (query.practitioner) params.push(['practitioner', `Practitioner/${query.practitioner}`]);
    if (query.patient) params.push(['patient', `Patient/${query.patient}`]);
    if (query.location) params.push(['location', `Location/${query.location}`]);
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'Appointment', params, handling: 'strict' },
      '',
    );
    const appointments = (bundle.entry ?? []).map((entry) => entry.resource as Appointment).filter(Boolean);
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      action: 'search',
      outcome: 'success',
      resourceType: 'Appointment',
      ...(query.patient ? { patientId: query.patient } : {}),
      detail: `calendar ${query.view}`,
    });
    return {
      from: start.toUTC().toISO(),
      to: end.toUTC().toISO(),
      timeZone: query.timeZone,
      appointments,
    };
  }

  // ---- helpers

  private async change(
    ctx: FhirContext,
    actor: ClinicalActor,
    id: string,
    action: string,
    eventType: AppointmentEventType,
    make: (
      appointment: Appointment,
      tx: Queryable,
      inTx: FhirContext,
    ) => Promise<{ next: Appointment; data: Record<string, unknown> }>,
  ): Promise<Appointment> {
    const { repository } = this.deps;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = viaScheduling({ ...ctx, tx });
        const appointment = await this.read(inTx, id);
        const { next, data } = await make(appointment, tx, inTx);
        const { resource } = await repository.update(inTx, 'Appointment', id, next, {
          ifMatch: `W/"${appointment.meta?.versionId}"`,
        });
        await this.record(tx, ctx.tenantId, actor, resource as Appointment, action, eventType, data);
        return resource as Appointment;
      });
    } catch (error) {
      if (isSlotTaken(error)) throw schedulingErrors.slotTaken((error as { slotId?: string }).slotId ?? '');
      if (error instanceof FhirError && (error.status === 412 || error.errorCode === 'FHIR_CONCURRENT_WRITE')) {
        throw schedulingErrors.conflict('The appointment was changed by another request at the same time; retry');
      }
      throw error;
    }
  }

  private async record(
    tx: Queryable,
    tenantId: string,
    actor: ClinicalActor,
    appointment: Appointment,
    action: string,
    eventType: AppointmentEventType,
    data: Record<string, unknown>,
  ): Promise<void> {
    const patientId = patientOf(appointment);
    await this.deps.audit.append(tx, {
      tenantId,
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      action,
      outcome: 'success',
      patientId,
      resourceType: 'Appointment',
      resourceId: appointment.id,
    });
    await this.deps.events.publish(tx, tenantId, {
      type: eventType,
      version: 1,
      aggregate: { type: 'Appointment', id: appointment.id! },
      data: {
        appointment: appointment.id,
        status: appointment.status,
        patient: patientId,
        practitioner: actorOf(appointment, 'Practitioner'),
        location: actorOf(appointment, 'Location'),
        start: appointment.start,
        end: appointment.end,
        ...data,
      },
    });
  }

  private async slot(q: Queryable, tenantId: string, slotId: string): Promise<store.SlotRow> {
    const slot = await store.readSlot(q, tenantId, slotId);
    if (!slot) throw schedulingErrors.notFound('slot', slotId);
    return slot;
  }

  private async visitTypeFor(q: Queryable, tenantId: string, id: string, slot: store.SlotRow) {
    const visitType = await store.readVisitType(q, tenantId, id);
    if (!visitType?.active) throw schedulingErrors.invalidRequest(`visitType: no visit type '${id}'`, 'visitType');
    if (slot.visit_types.length && !slot.visit_types.includes(visitType.id)) {
      throw schedulingErrors.visitTypeMismatch(`The slot is not open for the visit type '${visitType.code}'`);
    }
    const minutes = (new Date(slot.end_at).getTime() - new Date(slot.start_at).getTime()) / 60_000;
    if (visitType.duration_minutes > minutes) {
      throw schedulingErrors.visitTypeMismatch(
        `The visit type '${visitType.code}' takes ${visitType.duration_minutes} minutes; the slot has ${minutes}`,
      );
    }
    return visitType;
  }

  private async mustExist(ctx: FhirContext, type: string, id: string, path: string): Promise<void> {
    try {
      await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw schedulingErrors.rule(`${path}: ${type}/${id} does not exist`, path);
      }
      throw error;
    }
  }

  /** Patients book no sooner than the minimum notice and no further ahead than the tenant allows. */
  private bookingWindow(settings: SchedulingSettings, slot: store.SlotRow): void {
    const start = new Date(slot.start_at).getTime();
    const now = this.deps.now().getTime();
    if (start < now + settings.minNoticeHours * HOUR_MS) {
      throw schedulingErrors.rule(
        `slot: appointments must be booked at least ${settings.minNoticeHours} hours ahead`,
        'slot',
      );
    }
    if (start > now + settings.maxDaysAhead * DAY_MS) {
      throw schedulingErrors.rule(
        `slot: appointments can be booked at most ${settings.maxDaysAhead} days ahead`,
        'slot',
      );
    }
  }

  /** Patients cancel or move an appointment no later than the cut-off before it starts. */
  private cancelCutoff(settings: SchedulingSettings, appointment: Appointment): void {
    if (!appointment.start) return;
    const start = new Date(appointment.start).getTime();
    if (this.deps.now().getTime() > start - settings.cancelCutoffHours * HOUR_MS) {
      throw schedulingErrors.rule(
        `start: appointments can be changed or cancelled up to ${settings.cancelCutoffHours} hours before they start`,
        'start',
      );
    }
  }
}
