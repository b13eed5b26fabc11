import { randomUUID } from 'node:crypto';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import type { AppointmentService } from './appointment.service';
import { schedulingErrors } from './scheduling.errors';
import type { EventPublisher } from './scheduling.events';
import type { OfferQuery, WaitlistInput } from './scheduling.schemas';
import * as store from './scheduling.store';
import { publishWaitlistEvent } from './waitlist.events';
import { type PatientLabel, readablePatients } from './waitlist.patients';
import * as waitlist from './waitlist.store';

const HOUR_MS = 3_600_000;

const iso = (value: string) => new Date(value).toISOString();

function entryView(row: waitlist.WaitlistRow, patient: PatientLabel | undefined) {
  return {
    id: row.id,
    patient: `Patient/${row.patient_id}`,
    ...(patient ? { patientName: patient.name, ...(patient.mrn ? { patientMrn: patient.mrn } : {}) } : {}),
    ...(row.visit_type_id ? { visitType: row.visit_type_id } : {}),
    ...(row.practitioner_id ? { practitioner: `Practitioner/${row.practitioner_id}` } : {}),
    earliest: iso(row.earliest),
    latest: iso(row.latest),
    ...(row.note ? { note: row.note } : {}),
    status: row.status,
    createdAt: iso(row.created_at),
  };
}

function offerView(row: waitlist.OfferRow, now: Date, extra?: waitlist.OfferListRow, patient?: PatientLabel) {
  const expired = row.status === 'open' && new Date(row.expires_at) <= now;
  return {
    id: row.id,
    waitlistEntry: row.waitlist_id,
    slot: `Slot/${row.slot_id}`,
    expiresAt: iso(row.expires_at),
    status: expired ? 'expired' : row.status,
    createdAt: iso(row.created_at),
    ...(row.appointment_id ? { appointment: `Appointment/${row.appointment_id}` } : {}),
    ...(extra
      ? {
          patient: `Patient/${extra.patient_id}`,
          ...(patient ? { patientName: patient.name, ...(patient.mrn ? { patientMrn: patient.mrn } : {}) } : {}),
          ...(extra.visit_type_id ? { visitType: extra.visit_type_id } : {}),
          ...(extra.start_at ? { start: iso(extra.start_at) } : {}),
          ...(extra.end_at ? { end: iso(extra.end_at) } : {}),
          ...(extra.practitioner_id ? { practitioner: `Practitioner/${extra.practitioner_id}` } : {}),
        }
      : {}),
  };
}

export interface WaitlistServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  /** Other front desks hear of each change (ids only) instead of waiting for their next refresh. */
  events: EventPublisher;
  now: () => Date;
}

/**
 * The waitlist: patients waiting for a visit type, a practitioner, within a window. When a slot frees up
 * (a cancellation or a move, by any write path), the first matching entry is offered it; the offer
 * expires after the tenant's `offerHours`. Accepting books the slot if it is still free. Listings show
 * only entries of patients the caller may read, with their names; each patient shown is on the audit trail.
 */
export class WaitlistService {
  private appointments?: AppointmentService;

  constructor(private readonly deps: WaitlistServiceDeps) {}

  /** Set once the appointment service exists (it and the seat keeper are built after this service). */
  bookWith(appointments: AppointmentService): void {
    this.appointments = appointments;
  }

  async add(ctx: FhirContext, actor: ClinicalActor, input: WaitlistInput) {
    const { repository } = this.deps;
    const row = await repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.mustExist(inTx, 'Patient', input.patient, 'patient');
      if (input.practitioner) await this.mustExist(inTx, 'Practitioner', input.practitioner, 'practitioner');
      if (input.visitType && !(await store.readVisitType(tx, ctx.tenantId, input.visitType))) {
        throw schedulingErrors.invalidRequest(`visitType: no visit type '${input.visitType}'`, 'visitType');
      }
      const inserted = await waitlist.insertWaitlist(
        tx,
        ctx.tenantId,
        {
          id: randomUUID(),
          patient_id: input.patient,
          visit_type_id: input.visitType ?? null,
          practitioner_id: input.practitioner ?? null,
          earliest: input.earliest,
          latest: input.latest,
          note: input.note || null,
        },
        actor.userId ?? actor.clientId,
      );
      await this.audit(tx, ctx.tenantId, actor, 'waitlist-add', inserted.patient_id);
      await publishWaitlistEvent(this.deps.events, tx, ctx.tenantId, 'waitlist.added', {
        entry: inserted.id,
        patient: inserted.patient_id,
      });
      return inserted;
    });
    const patients = await readablePatients(this.deps.search, ctx, [row.patient_id]);
    return entryView(row, patients.get(row.patient_id));
  }

  /** Entries oldest first (of the given statuses), of patients the caller may read. */
  async list(ctx: FhirContext, actor: ClinicalActor, statuses: string[] | undefined) {
    const rows = await this.deps.repository.inTransaction(ctx, async (tx) => {
      await waitlist.expireOffers(tx, ctx.tenantId, this.deps.now());
      return waitlist.listWaitlist(tx, ctx.tenantId, statuses);
    });
    const patients = await this.shown(ctx, actor, rows, 'waitlist');
    return rows
      .filter((row) => patients.has(row.patient_id))
      .map((row) => entryView(row, patients.get(row.patient_id)));
  }

  /** Takes an entry off the waitlist; an offer it holds is withdrawn and its slot offered to the next match. */
  async remove(ctx: FhirContext, actor: ClinicalActor, id: string) {
    const row = await this.deps.repository.inTransaction(ctx, async (tx) => {
      const entry = await waitlist.readWaitlist(tx, ctx.tenantId, id, true);
      if (!entry) throw schedulingErrors.notFound('waitlist entry', id);
      if (entry.status === 'booked') {
        throw schedulingErrors.conflict('The patient was booked from the waitlist: cancel the appointment instead');
      }
      if (entry.status === 'removed') return entry;
      const offers = await waitlist.openOffersOf(tx, ctx.tenantId, id);
      for (const offer of offers) await waitlist.closeOffer(tx, ctx.tenantId, offer.id, 'withdrawn');
      await waitlist.setWaitlistStatus(tx, ctx.tenantId, id, 'removed');
      await this.audit(tx, ctx.tenantId, actor, 'waitlist-remove', entry.patient_id);
      await publishWaitlistEvent(this.deps.events, tx, ctx.tenantId, 'waitlist.removed', {
        entry: id,
        patient: entry.patient_id,
      });
      if (offers.length) {
        await this.slotsFreed(
          tx,
          ctx.tenantId,
          offers.map((offer) => offer.slot_id),
        );
      }
      return { ...entry, status: 'removed' };
    });
    const patients = await readablePatients(this.deps.search, ctx, [row.patient_id]);
    return entryView(row, patients.get(row.patient_id));
  }

  /** Offers newest first, with patient, slot times and practitioner, of patients the caller may read. */
  async offers(ctx: FhirContext, actor: ClinicalActor, filter: OfferQuery) {
    const now = this.deps.now();
    const rows = await this.deps.repository.inTransaction(ctx, async (tx) => {
      await waitlist.expireOffers(tx, ctx.tenantId, now);
      return waitlist.listOffers(tx, ctx.tenantId, {
        waitlistId: filter.waitlistEntry,
        slotId: filter.slot,
        statuses: filter.status,
      });
    });
    const patients = await this.shown(ctx, actor, rows, 'waitlist-offers');
    return rows
      .filter((row) => patients.has(row.patient_id))
      .map((row) => offerView(row, now, row, patients.get(row.patient_id)));
  }

  /** Offers each freed slot to the first matching waiting entry (inside the write that freed it). */
  async slotsFreed(tx: Queryable, tenantId: string, slotIds: string[]): Promise<void> {
    const now = this.deps.now();
    await waitlist.expireOffers(tx, tenantId, now);
    for (const slotId of slotIds) {
      const slot = await store.readSlot(tx, tenantId, slotId);
      if (!slot || slot.booked >= slot.capacity || new Date(slot.start_at) <= now) continue;
      if (await waitlist.openOfferFor(tx, tenantId, slotId, now)) continue;
      const entry = await waitlist.firstMatch(tx, tenantId, slotId);
      if (!entry) continue;
      const settings = await store.readSettings(tx, tenantId);
      const offerId = randomUUID();
      await waitlist.insertOffer(tx, tenantId, {
        id: offerId,
        waitlist_id: entry.id,
        slot_id: slotId,
        expires_at: new Date(now.getTime() + settings.offerHours * HOUR_MS).toISOString(),
      });
      await waitlist.setWaitlistStatus(tx, tenantId, entry.id, 'offered');
      await publishWaitlistEvent(this.deps.events, tx, tenantId, 'waitlist.offer-made', {
        entry: entry.id,
        patient: entry.patient_id,
        offer: offerId,
        slot: slotId,
      });
    }
  }

  /** Books the offered slot for the waiting patient; an expired or closed offer answers 409. */
  async accept(ctx: FhirContext, actor: ClinicalActor, offerId: string) {
    const appointments = this.appointments!;
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const offer = await this.openOffer(tx, ctx.tenantId, offerId);
      const entry = (await waitlist.readWaitlist(tx, ctx.tenantId, offer.waitlist_id, true))!;
      const appointment = await appointments.book(
        inTx,
        actor,
        {
          slot: offer.slot_id,
          patient: entry.patient_id,
          ...(entry.visit_type_id ? { visitType: entry.visit_type_id } : {}),
        },
        undefined,
      );
      await waitlist.closeOffer(tx, ctx.tenantId, offer.id, 'accepted', appointment.id);
      await waitlist.setWaitlistStatus(tx, ctx.tenantId, entry.id, 'booked');
      await publishWaitlistEvent(this.deps.events, tx, ctx.tenantId, 'waitlist.offer-accepted', {
        entry: entry.id,
        patient: entry.patient_id,
        offer: offer.id,
        slot: offer.slot_id,
        appointment: appointment.id!,
      });
      return {
        offer: offerView({ ...offer, status: 'accepted', appointment_id: appointment.id! }, this.deps.now()),
        appointment,
      };
    });
  }

  /** The patient does not want it: back to waiting, and the slot goes to the next match. */
  async decline(ctx: FhirContext, actor: ClinicalActor, offerId: string) {
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const offer = await this.openOffer(tx, ctx.tenantId, offerId);
      const entry = (await waitlist.readWaitlist(tx, ctx.tenantId, offer.waitlist_id, true))!;
      await waitlist.closeOffer(tx, ctx.tenantId, offer.id, 'declined');
      await waitlist.setWaitlistStatus(tx, ctx.tenantId, offer.waitlist_id, 'waiting');
      await this.audit(tx, ctx.tenantId, actor, 'waitlist-offer-decline', entry.patient_id);
      await publishWaitlistEvent(this.deps.events, tx, ctx.tenantId, 'waitlist.offer-declined', {
        entry: entry.id,
        patient: entry.patient_id,
        offer: offer.id,
        slot: offer.slot_id,
      });
      await this.slotsFreed(tx, ctx.tenantId, [offer.slot_id]);
      return offerView({ ...offer, status: 'declined' }, this.deps.now());
    });
  }

  private async openOffer(tx: Queryable, tenantId: string, offerId: string): Promise<waitlist.OfferRow> {
    const offer = await waitlist.readOffer(tx, tenantId, offerId, true);
    if (!offer) throw schedulingErrors.notFound('offer', offerId);
    if (offer.status !== 'open') throw schedulingErrors.offerClosed(offer.status);
    if (new Date(offer.expires_at) <= this.deps.now()) {
      // Expired: the refusal rolls this transaction back; the next listing or offer round closes it and
      // puts the entry back on the waitlist.
      throw schedulingErrors.offerClosed('expired');
    }
    return offer;
  }

  /** The readable patients among the rows', each put on the audit trail as read (deny by default). */
  private async shown(ctx: FhirContext, actor: ClinicalActor, rows: { patient_id: string }[], detail: string) {
    const patients = await readablePatients(this.deps.search, ctx, [...new Set(rows.map((row) => row.patient_id))]);
    await Promise.all(
      [...patients.keys()].map((patientId) =>
        this.deps.audit.record({
          ...this.who(ctx.tenantId, actor),
          action: 'read',
          outcome: 'success',
          patientId,
          resourceType: 'Patient',
          resourceId: patientId,
          detail,
        }),
      ),
    );
    return patients;
  }

  private audit(tx: Queryable, tenantId: string, actor: ClinicalActor, action: string, patientId: string) {
    return this.deps.audit.append(tx, {
      ...this.who(tenantId, actor),
      action,
      outcome: 'success',
      patientId,
      resourceType: 'Patient',
      resourceId: patientId,
    });
  }

  private who(tenantId: string, actor: ClinicalActor) {
    return {
      tenantId,
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
    };
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
}
