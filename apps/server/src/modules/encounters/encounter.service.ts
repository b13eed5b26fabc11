import type { Condition, Encounter } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, readReferenced } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import { encounterErrors } from './encounter.errors';
import { newEncounter, participantsOf, withDiagnosis, withLocation, withTransition } from './encounter.resource';
import type { CreateEncounterInput } from './encounter.schemas';
import { allowedTransitions, canTransition, type EncounterStatus, transitionNeedsReason } from './encounter.state';

/** Who asks, as the audit trail and the record itself name them. */
/** The caller, as the audit trail and the Encounter's statusHistory (changed-by) name them. */
export type EncounterActor = ClinicalActor;

export interface EncounterServiceDeps {
  repository: FhirRepository;
  audit: AuditService;
  now?: () => Date;
}

const CLOSED = new Set(['cancelled', 'entered-in-error']);

function idOf(reference: string | undefined): string | undefined {
  return reference?.split('/')[1];
}

/** The visit lifecycle and the task-shaped changes of an Encounter. Knows nothing of HTTP. */
export class EncounterService {
  private readonly now: () => Date;

  constructor(private readonly deps: EncounterServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(ctx: FhirContext, actor: EncounterActor, input: CreateEncounterInput): Promise<Encounter> {
    const { repository } = this.deps;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.mustExist(inTx, 'patient', input.patient);
      if (input.attending) await this.mustExist(inTx, 'attending', input.attending);
      for (const [index, reference] of (input.participants ?? []).entries()) {
        await this.mustExist(inTx, `participants.${index}`, reference);
      }
      if (input.location) await this.mustExist(inTx, 'location', input.location);
      if (input.appointment) await this.mustExist(inTx, 'appointment', input.appointment);
      const encounter = (await repository.create(
        inTx,
        newEncounter(input, this.now().toISOString(), actor.reference),
      )) as Encounter;
      await this.audit(tx, ctx.tenantId, actor, encounter, 'encounter-create', 'planned');
      return encounter;
    });
  }

  /** Reads for a caller: the access is on record before the answer leaves. */
  async read(ctx: FhirContext, actor: EncounterActor, id: string): Promise<Encounter> {
    const encounter = await this.get(ctx, id);
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      ...this.actorFields(actor),
      action: 'read',
      outcome: 'success',
      patientId: idOf(encounter.subject?.reference),
      resourceType: 'Encounter',
      resourceId: encounter.id,
    });
    return encounter;
  }

  async get(ctx: FhirContext, id: string): Promise<Encounter> {
    try {
      return (await this.deps.repository.read(ctx, 'Encounter', id)) as Encounter;
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw encounterErrors.notFound(id);
      }
      throw error;
    }
  }

  /** Moves the visit to `to` when the lifecycle allows it; audited in the same transaction. */
  async transition(
    ctx: FhirContext,
    actor: EncounterActor,
    id: string,
    to: EncounterStatus,
    reason?: string,
  ): Promise<Encounter> {
    return this.change(ctx, actor, id, 'encounter-transition', (encounter) => {
      const from = encounter.status;
      if (!canTransition(from, to)) throw encounterErrors.invalidTransition(from, to, allowedTransitions(from));
      if (transitionNeedsReason(to) && !reason) {
        throw encounterErrors.invalidRequest(`reason: say why the encounter becomes ${to}`, 'reason');
      }
      return {
        next: withTransition(encounter, to, this.now().toISOString(), actor.reference, reason),
        detail: `${from} -> ${to}`,
      };
    });
  }

  async setParticipants(
    ctx: FhirContext,
    actor: EncounterActor,
    id: string,
    attending: string | undefined,
    participating: string[],
  ): Promise<Encounter> {
    return this.change(ctx, actor, id, 'encounter-update', async (encounter, inTx) => {
      if (attending) await this.mustExist(inTx, 'attending', attending);
      for (const [index, reference] of participating.entries()) {
        await this.mustExist(inTx, `participants.${index}`, reference);
      }
      const participant = participantsOf(attending, participating);
      const { participant: _old, ...rest } = encounter;
      return { next: participant.length ? { ...rest, participant } : rest, detail: 'participants' };
    });
  }

  async setLocation(ctx: FhirContext, actor: EncounterActor, id: string, location: string): Promise<Encounter> {
    return this.change(ctx, actor, id, 'encounter-update', async (encounter, inTx) => {
      await this.mustExist(inTx, 'location', location);
      return { next: withLocation(encounter, location), detail: 'location' };
    });
  }

  async setReason(
    ctx: FhirContext,
    actor: EncounterActor,
    id: string,
    reason: Encounter['reasonCode'] & object,
  ): Promise<Encounter> {
    return this.change(ctx, actor, id, 'encounter-update', async (encounter) => {
      const { reasonCode: _old, ...rest } = encounter;
      return { next: reason.length ? { ...rest, reasonCode: reason } : rest, detail: 'reason' };
    });
  }

  /** Adds (or replaces) a diagnosis: a Condition of the same patient. */
  async addDiagnosis(
    ctx: FhirContext,
    actor: EncounterActor,
    id: string,
    input: { condition: string; use?: string | undefined; rank?: number | undefined },
  ): Promise<Encounter> {
    return this.change(ctx, actor, id, 'encounter-update', async (encounter, inTx) => {
      const condition = (await this.mustExist(inTx, 'condition', input.condition)) as Condition;
      if (condition.subject?.reference !== encounter.subject?.reference) {
        throw encounterErrors.referenceMismatch('condition', 'the condition belongs to another patient');
      }
      return { next: withDiagnosis(encounter, input.condition, input.use, input.rank), detail: 'diagnosis' };
    });
  }

  /**
   * Reads the Encounter, lets `make` produce the next version, and writes it only if nobody changed the
   * Encounter meanwhile (If-Match), with its audit record in the same transaction.
   */
  private async change(
    ctx: FhirContext,
    actor: EncounterActor,
    id: string,
    action: string,
    make: (
      encounter: Encounter,
      inTx: FhirContext,
    ) => { next: Encounter; detail: string } | Promise<{ next: Encounter; detail: string }>,
  ): Promise<Encounter> {
    const { repository } = this.deps;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = { ...ctx, tx };
        const encounter = await this.get(inTx, id);
        if (action !== 'encounter-transition' && CLOSED.has(encounter.status)) {
          throw encounterErrors.closed(encounter.status);
        }
        const { next, detail } = await make(encounter, inTx);
        const { resource } = await repository.update(inTx, 'Encounter', id, next, {
          ifMatch: `W/"${encounter.meta?.versionId}"`,
        });
        await this.audit(tx, ctx.tenantId, actor, resource as Encounter, action, detail);
        return resource as Encounter;
      });
    } catch (error) {
      if (error instanceof FhirError && (error.status === 412 || error.errorCode === 'FHIR_CONCURRENT_WRITE')) {
        throw encounterErrors.conflict();
      }
      throw error;
    }
  }

  /** Reads a referenced resource, or answers which field names one that does not exist. */
  private mustExist(ctx: FhirContext, path: string, reference: string) {
    return readReferenced(this.deps.repository, ctx, reference, () =>
      encounterErrors.referenceNotFound(path, reference),
    );
  }

  private async audit(
    tx: Queryable,
    tenantId: string,
    actor: EncounterActor,
    encounter: Encounter,
    action: string,
    detail: string,
  ): Promise<void> {
    await this.deps.audit.append(tx, {
      tenantId,
      ...this.actorFields(actor),
      action,
      outcome: 'success',
      patientId: idOf(encounter.subject?.reference),
      resourceType: 'Encounter',
      resourceId: encounter.id,
      detail,
    });
  }

  private actorFields(actor: EncounterActor) {
    return {
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
    };
  }
}
