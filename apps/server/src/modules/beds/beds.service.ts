import { randomUUID } from 'node:crypto';
import type { Encounter, Location, Patient } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { EncounterService } from '../encounters';
import type { ClinicalActor } from '../identity';
import { bedErrors } from './beds.errors';
import { admitted, newInpatientEncounter, withBed } from './beds.resource';
import { type BedStatus, bedStatusOf, idOf, levelOf, MOVE_FROM, reasonOf, withBedStatus } from './beds.status';
import { type BedEvent, bedStore, type Occupancy, occupancyClash } from './beds.store';

/** The domain events publisher (modules/events' EventPublisher): writes on the caller's transaction. */
export interface BedEventPublisher {
  publish(
    tx: Queryable,
    tenantId: string,
    event: { type: string; aggregate: { type: string; id: string }; data: Record<string, unknown> },
  ): Promise<void>;
}

export interface BedServiceDeps {
  repository: FhirRepository;
  audit: AuditService;
  encounters: EncounterService;
  events?: BedEventPublisher | undefined;
  now?: () => Date;
}

export interface AdmitInput {
  bed: string;
  patient: string;
  encounter?: string | undefined;
}

export interface MoveResult {
  encounter: Encounter;
  bed: Location;
  /** The bed the patient left (transfer, discharge). */
  previousBed?: Location;
}

/** Steps of the visit lifecycle that lead to a stay in progress. */
const TOWARDS_STAY = ['planned', 'arrived', 'triaged', 'in-progress'] as const;
const CLOSED = new Set(['finished', 'cancelled', 'entered-in-error']);

interface Change {
  event: BedEvent;
  encounterId?: string | undefined;
  patientId?: string | undefined;
  reason?: string | undefined;
}

/**
 * The bed board's moves: admit, transfer, discharge, cleaned, block and unblock. Each is one transaction:
 * the stay in `bed_occupancy` (whose unique indexes keep one patient per bed), the status history, the
 * bed Location's operationalStatus (written with If-Match on the version read, so two moves of one bed
 * cannot both pass), the Encounter (through the caller's FHIR access), audit and domain events.
 */
export class BedService {
  private readonly now: () => Date;

  constructor(private readonly deps: BedServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async admit(ctx: FhirContext, actor: ClinicalActor, input: AdmitInput): Promise<MoveResult> {
    const at = this.now().toISOString();
    return this.move(
      ctx,
      async (tx, user, system) => {
        const bed = await this.bed(system, input.bed, 'bed');
        const status = bedStatusOf(bed);
        if (status === 'occupied') throw bedErrors.occupied(input.bed);
        if (!MOVE_FROM.admit.includes(status)) {
          throw bedErrors.bedUnavailable(input.bed, status, 'admitted to', reasonOf(bed));
        }
        const patient = (await this.mustExist(user, 'patient', `Patient/${input.patient}`)) as Patient;
        const visit = input.encounter ? await this.visitToAdmit(user, input.encounter, patient.id!) : undefined;
        const encounterId = visit?.id ?? randomUUID();
        const wardId = await this.wardOf(system, bed);
        // The fence first: a second admission to this bed (or of this patient) stops here, before any write.
        await bedStore.openStay(tx, ctx.tenantId, {
          bedId: bed.id!,
          wardId,
          encounterId,
          patientId: patient.id!,
          admittedAt: at,
          startedAt: at,
        });
        const encounter = visit
          ? await this.admitVisit(user, actor, visit, bed.id!, at)
          : ((await this.deps.repository.create(
              user,
              newInpatientEncounter(`Patient/${patient.id}`, bed.id!, at, actor.reference),
              { id: encounterId },
            )) as Encounter);
        const next = await this.setStatus(system, actor, bed, wardId, 'occupied', at, {
          event: 'admit',
          encounterId: encounter.id,
          patientId: patient.id,
        });
        await this.audit(tx, ctx.tenantId, actor, 'bed-admit', patient.id!, encounter.id!, `bed ${bed.id}`);
        return { encounter, bed: next };
      },
      input.bed,
    );
  }

  async transfer(ctx: FhirContext, actor: ClinicalActor, encounterId: string, bedId: string): Promise<MoveResult> {
    const at = this.now().toISOString();
    return this.move(
      ctx,
      async (tx, user, system) => {
        const stay = await this.openStay(tx, ctx.tenantId, encounterId);
        if (stay.bedId === bedId) throw bedErrors.invalidRequest('bed: the patient already lies in this bed', 'bed');
        const target = await this.bed(system, bedId, 'bed');
        const status = bedStatusOf(target);
        if (status === 'occupied') throw bedErrors.occupied(bedId);
        if (!MOVE_FROM.admit.includes(status)) {
          throw bedErrors.bedUnavailable(bedId, status, 'transferred to', reasonOf(target));
        }
        const source = await this.bed(system, stay.bedId, 'bed');
        const encounter = (await this.deps.repository.read(user, 'Encounter', encounterId)) as Encounter;
        const wardId = await this.wardOf(system, target);
        await bedStore.closeStay(tx, ctx.tenantId, stay.id, at, 'transfer');
        await bedStore.openStay(tx, ctx.tenantId, {
          bedId,
          wardId,
          encounterId,
          patientId: stay.patientId,
          admittedAt: stay.admittedAt,
          startedAt: at,
        });
        const change = { encounterId, patientId: stay.patientId };
        const left = await this.setStatus(system, actor, source, stay.wardId, 'cleaning', at, {
          event: 'transfer-out',
          ...change,
        });
        const next = await this.setStatus(system, actor, target, wardId, 'occupied', at, {
          event: 'transfer-in',
          ...change,
        });
        const { resource } = await this.deps.repository.update(
          user,
          'Encounter',
          encounterId,
          withBed(encounter, bedId, at),
          {
            ifMatch: `W/"${encounter.meta?.versionId}"`,
          },
        );
        await this.audit(
          tx,
          ctx.tenantId,
          actor,
          'bed-transfer',
          stay.patientId,
          encounterId,
          `bed ${stay.bedId} -> ${bedId}`,
        );
        return { encounter: resource as Encounter, bed: next, previousBed: left };
      },
      bedId,
    );
  }

  /** The stay ends: the bed goes to cleaning, the bed's location entry is completed and the visit finished. */
  async discharge(ctx: FhirContext, actor: ClinicalActor, encounterId: string): Promise<MoveResult> {
    const at = this.now().toISOString();
    return this.move(ctx, async (tx, user, system) => {
      const stay = await this.openStay(tx, ctx.tenantId, encounterId);
      const bed = await this.bed(system, stay.bedId, 'bed');
      await bedStore.closeStay(tx, ctx.tenantId, stay.id, at, 'discharge');
      const left = await this.setStatus(system, actor, bed, stay.wardId, 'cleaning', at, {
        event: 'discharge',
        encounterId,
        patientId: stay.patientId,
      });
      let encounter = (await this.deps.repository.read(user, 'Encounter', encounterId)) as Encounter;
      encounter = (
        await this.deps.repository.update(user, 'Encounter', encounterId, withBed(encounter, undefined, at), {
          ifMatch: `W/"${encounter.meta?.versionId}"`,
        })
      ).resource as Encounter;
      // A visit already closed elsewhere (checked out through the encounters API) only frees the bed.
      if (!CLOSED.has(encounter.status)) {
        encounter = await this.deps.encounters.transition(user, actor, encounterId, 'finished');
      }
      await this.audit(tx, ctx.tenantId, actor, 'bed-discharge', stay.patientId, encounterId, `bed ${stay.bedId}`);
      return { encounter, bed: left };
    });
  }

  async cleaned(ctx: FhirContext, actor: ClinicalActor, bedId: string): Promise<Location> {
    return this.statusMove(ctx, actor, bedId, 'clean', 'free', 'cleaned', 'marked clean');
  }

  async block(ctx: FhirContext, actor: ClinicalActor, bedId: string, reason: string): Promise<Location> {
    return this.statusMove(ctx, actor, bedId, 'block', 'blocked', 'block', 'blocked', reason);
  }

  async unblock(ctx: FhirContext, actor: ClinicalActor, bedId: string): Promise<Location> {
    return this.statusMove(ctx, actor, bedId, 'unblock', 'free', 'unblock', 'unblocked');
  }

  private async statusMove(
    ctx: FhirContext,
    actor: ClinicalActor,
    bedId: string,
    move: keyof typeof MOVE_FROM,
    to: BedStatus,
    event: BedEvent,
    wanted: string,
    reason?: string,
  ): Promise<Location> {
    const at = this.now().toISOString();
    return this.move(ctx, async (_tx, _user, system) => {
      const bed = await this.bed(system, bedId, 'bed');
      const status = bedStatusOf(bed);
      if (!MOVE_FROM[move].includes(status)) throw bedErrors.bedUnavailable(bedId, status, wanted, reasonOf(bed));
      return this.setStatus(system, actor, bed, await this.wardOf(system, bed), to, at, { event, reason });
    });
  }

  /**
   * Runs a move in one transaction (the caller's FHIR context for the Encounter and Patient, the server's
   * own for the bed Location: the route's access rule decided who may move beds) and names what collided.
   */
  private async move<T>(
    ctx: FhirContext,
    work: (tx: Queryable, user: FhirContext, system: FhirContext) => Promise<T>,
    targetBed = '',
  ): Promise<T> {
    try {
      return await this.deps.repository.inTransaction(ctx, (tx) =>
        work(tx, { ...ctx, tx }, { tenantId: ctx.tenantId, tx }),
      );
    } catch (error) {
      const clash = occupancyClash(error);
      if (clash === 'bed') throw bedErrors.occupied(targetBed);
      if (clash) throw bedErrors.alreadyInBed(clash);
      const code = (error as { code?: string }).code;
      if (
        (error instanceof FhirError && (error.status === 412 || error.errorCode === 'FHIR_CONCURRENT_WRITE')) ||
        code === '40001' ||
        code === '40P01'
      ) {
        throw bedErrors.conflict();
      }
      throw error;
    }
  }

  /** Writes the bed's new status: history first (so the write listener finds it recorded), then the Location. */
  private async setStatus(
    system: FhirContext,
    actor: ClinicalActor,
    bed: Location,
    wardId: string | null,
    to: BedStatus,
    at: string,
    change: Change,
  ): Promise<Location> {
    const tx = system.tx!;
    const from = bedStatusOf(bed);
    await bedStore.recordChange(tx, system.tenantId, {
      bedId: bed.id!,
      wardId,
      from,
      to,
      at,
      event: change.event,
      byUser: actor.userId ?? actor.clientId ?? null,
      encounterId: change.encounterId ?? null,
      reason: change.reason ?? null,
    });
    const { resource } = await this.deps.repository.update(
      system,
      'Location',
      bed.id!,
      withBedStatus(bed, to, change.reason),
      { ifMatch: `W/"${bed.meta?.versionId}"` },
    );
    await this.publishChange(tx, system.tenantId, bed.id!, wardId, from, to, change);
    return resource as Location;
  }

  private async publishChange(
    tx: Queryable,
    tenantId: string,
    bedId: string,
    wardId: string | null,
    from: BedStatus,
    to: BedStatus,
    change: Change,
  ): Promise<void> {
    const events = this.deps.events;
    if (!events) return;
    const aggregate = { type: 'Location', id: bedId };
    const ids = {
      bed: bedId,
      ...(wardId ? { ward: wardId } : {}),
      ...(change.encounterId ? { encounter: change.encounterId } : {}),
      ...(change.patientId ? { patient: change.patientId } : {}),
    };
    await events.publish(tx, tenantId, {
      type: 'bed.status-changed',
      aggregate,
      data: { ...ids, from, to, event: change.event },
    });
    if (to === 'occupied') await events.publish(tx, tenantId, { type: 'bed.occupied', aggregate, data: ids });
    if (from === 'occupied' && to !== 'occupied') {
      await events.publish(tx, tenantId, { type: 'bed.freed', aggregate, data: { ...ids, event: change.event } });
    }
  }

  private async openStay(tx: Queryable, tenantId: string, encounterId: string): Promise<Occupancy> {
    const stay = await bedStore.lockOpenStay(tx, tenantId, encounterId);
    if (!stay) throw bedErrors.notInBed('encounter');
    return stay;
  }

  /** An existing visit of the patient that may become an inpatient stay. */
  private async visitToAdmit(user: FhirContext, encounterId: string, patientId: string): Promise<Encounter> {
    const encounter = (await this.mustExist(user, 'encounter', `Encounter/${encounterId}`)) as Encounter;
    if (encounter.subject?.reference !== `Patient/${patientId}`) {
      throw bedErrors.referenceMismatch('encounter', 'the encounter belongs to another patient');
    }
    if (!(TOWARDS_STAY as readonly string[]).includes(encounter.status)) {
      throw bedErrors.encounterClosed(encounter.status);
    }
    return encounter;
  }

  /** The visit admitted to the bed: moved on to in progress through its lifecycle, then given the bed. */
  private async admitVisit(
    user: FhirContext,
    actor: ClinicalActor,
    visit: Encounter,
    bedId: string,
    at: string,
  ): Promise<Encounter> {
    let encounter = visit;
    const step = (TOWARDS_STAY as readonly string[]).indexOf(encounter.status);
    for (const to of TOWARDS_STAY.slice(step + 1)) {
      encounter = await this.deps.encounters.transition(user, actor, visit.id!, to);
    }
    const { resource } = await this.deps.repository.update(
      user,
      'Encounter',
      visit.id!,
      admitted(encounter, bedId, at),
      { ifMatch: `W/"${encounter.meta?.versionId}"` },
    );
    return resource as Encounter;
  }

  /** A ward, room or bed Location by id (404 naming what was looked for when missing or of another level). */
  async bed(ctx: FhirContext, id: string, level: 'ward' | 'room' | 'bed'): Promise<Location> {
    let location: Location;
    try {
      location = (await this.deps.repository.read(ctx, 'Location', id)) as Location;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410 || error.status === 400)) {
        throw bedErrors.notFound(level, id, level === 'bed' ? 'bed' : undefined);
      }
      throw error;
    }
    if (levelOf(location) !== level) throw bedErrors.notFound(level, id, level === 'bed' ? 'bed' : undefined);
    return location;
  }

  /** The ward of a bed: bed → room → ward through partOf (null when the chain is broken). */
  async wardOf(ctx: FhirContext, bed: Location): Promise<string | null> {
    const roomId = idOf(bed.partOf?.reference);
    if (!roomId) return null;
    try {
      const room = (await this.deps.repository.read(ctx, 'Location', roomId)) as Location;
      if (levelOf(room) === 'ward') return room.id!;
      return idOf(room.partOf?.reference) ?? null;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) return null;
      throw error;
    }
  }

  private async mustExist(ctx: FhirContext, path: string, reference: string) {
    const [type, id] = reference.split('/') as [string, string];
    try {
      return await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410 || error.status === 400)) {
        throw bedErrors.referenceNotFound(path, reference);
      }
      throw error;
    }
  }

  private async audit(
    tx: Queryable,
    tenantId: string,
    actor: ClinicalActor,
    action: string,
    patientId: string,
    encounterId: string,
    detail: string,
  ): Promise<void> {
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
      resourceType: 'Encounter',
      resourceId: encounterId,
      detail,
    });
  }
}
