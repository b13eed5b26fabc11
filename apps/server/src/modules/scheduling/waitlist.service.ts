import { randomUUID } from 'node:crypto';
import { type FhirContext, FhirError, type FhirRepository } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { ClinicalActor } from '../identity';
import type { AppointmentService } from './appointment.service';
import { schedulingErrors } from './scheduling.errors';
import type { WaitlistInput } from './scheduling.schemas';
import * as store from './scheduling.store';
import * as waitlist from './waitlist.store';

const HOUR_MS = 3_600_000;

function entryView(row: waitlist.WaitlistRow) {
  return {
    id: row.id,
    patient: `Patient/${row.patient_id}`,
    ...(row.visit_type_id ? { visitType: row.visit_type_id } : {}),
    ...(row.practitioner_id ? { practitioner: `Practitioner/${row.practitioner_id}` } : {}),
    earliest: new Date(row.earliest).toISOString(),
    latest: new Date(row.latest).toISOString(),
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function offerView(row: waitlist.OfferRow, now: Date) {
  const expired = row.status === 'open' && new Date(row.expires_at) <= now;
  return {
    id: row.id,
    waitlistEntry: row.waitlist_id,
    slot: `Slot/${row.slot_id}`,
    expiresAt: new Date(row.expires_at).toISOString(),
    status: expired ? 'expired' : row.status,
    ...(row.appointment_id ? { appointment: `Appointment/${row.appointment_id}` } : {}),
  };
}

export interface WaitlistServiceDeps {
  repository: FhirRepository;
  now: () => Date;
}

/**
 * The waitlist: patients waiting for a visit type, a practitioner, within a window. When a slot frees up
 * (a cancellation or a move, by any write path), the first matching entry is offered it; the offer
 * expires after the tenant's `offerHours`. Accepting books the slot if it is still free.
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
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.mustExist(inTx, 'Patient', input.patient, 'patient');
      if (input.practitioner) await this.mustExist(inTx, 'Practitioner', input.practitioner, 'practitioner');
      if (input.visitType && !(await store.readVisitType(tx, ctx.tenantId, input.visitType))) {
        throw schedulingErrors.invalidRequest(`visitType: no visit type '${input.visitType}'`, 'visitType');
      }
      const row = await waitlist.insertWaitlist(
        tx,
        ctx.tenantId,
        {
          id: randomUUID(),
          patient_id: input.patient,
          visit_type_id: input.visitType ?? null,
          practitioner_id: input.practitioner ?? null,
          earliest: input.earliest,
          latest: input.latest,
        },
        actor.userId ?? actor.clientId,
      );
      return entryView(row);
    });
  }

  async list(ctx: FhirContext, status: string | undefined) {
    const rows = await this.deps.repository.inTransaction(ctx, async (tx) => {
      await waitlist.expireOffers(tx, ctx.tenantId, this.deps.now());
      return waitlist.listWaitlist(tx, ctx.tenantId, status);
    });
    return rows.map(entryView);
  }

  async remove(ctx: FhirContext, id: string) {
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const row = await waitlist.readWaitlist(tx, ctx.tenantId, id, true);
      if (!row) throw schedulingErrors.notFound('waitlist entry', id);
      await waitlist.setWaitlistStatus(tx, ctx.tenantId, id, 'removed');
      return entryView({ ...row, status: 'removed' });
    });
  }

  async offers(ctx: FhirContext, waitlistId: string | undefined) {
    const rows = await this.deps.repository.reading(ctx, (q) => waitlist.listOffers(q, ctx.tenantId, waitlistId));
    const now = this.deps.now();
    return rows.map((row) => offerView(row, now));
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
      await waitlist.insertOffer(tx, tenantId, {
        id: randomUUID(),
        waitlist_id: entry.id,
        slot_id: slotId,
        expires_at: new Date(now.getTime() + settings.offerHours * HOUR_MS).toISOString(),
      });
      await waitlist.setWaitlistStatus(tx, tenantId, entry.id, 'offered');
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
      return {
        offer: offerView({ ...offer, status: 'accepted', appointment_id: appointment.id! }, this.deps.now()),
        appointment,
      };
    });
  }

  /** The patient does not want it: back to waiting, and the slot goes to the next match. */
  async decline(ctx: FhirContext, offerId: string) {
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const offer = await this.openOffer(tx, ctx.tenantId, offerId);
      await waitlist.closeOffer(tx, ctx.tenantId, offer.id, 'declined');
      await waitlist.setWaitlistStatus(tx, ctx.tenantId, offer.waitlist_id, 'waiting');
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
