import { randomUUID } from 'node:crypto';
import type { Patient, PatientLink, Resource } from '@medplum/fhirtypes';
import {
  compartmentParams,
  type FhirContext,
  type FhirServices,
  patientCompartmentTypes,
  typesReferencingPatient,
} from '../../fhir';
import type { AuditService } from '../audit';
import { findPatientReferences, movePatientReferences } from './patient-references';
import { fromFhirError, patientErrors } from './patients.errors';
import { insertMerge, type MergeRecord, type MovedResource, markMergeUndone, readMerge } from './patients.store';

/** A merge moving more than this many resources is refused (split the work or raise it deliberately). */
const MAX_MOVED = 50_000;

export interface Actor {
  userId?: string | undefined;
  clientId?: string | undefined;
  roles?: string[] | undefined;
  requestId?: string | undefined;
  ip?: string | undefined;
}

export interface PatientMergeDeps {
  fhir: FhirServices;
  audit: AuditService;
  now?: () => Date;
}

function isReplaced(patient: Patient): boolean {
  return patient.active === false && Boolean(patient.link?.some((link) => link.type === 'replaced-by'));
}

function linkTo(id: string, type: PatientLink['type']): PatientLink {
  return { other: { reference: `Patient/${id}` }, type };
}

function withoutLink(patient: Patient, id: string, type: PatientLink['type']): Patient {
  const link = (patient.link ?? []).filter((l) => !(l.type === type && l.other?.reference === `Patient/${id}`));
  const { link: _old, ...rest } = patient;
  return (link.length ? { ...rest, link } : rest) as Patient;
}

/**
 * Merging duplicate patient records and undoing a merge. Everything goes through the FHIR services in
 * one transaction (each changed resource gets a new version), with a merge record of what moved and an
 * audit record written in the same transaction.
 */
export class PatientMergeService {
  private readonly now: () => Date;

  constructor(private readonly deps: PatientMergeDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private async read(ctx: FhirContext, id: string): Promise<Patient> {
    try {
      return (await this.deps.fhir.repository.read(ctx, 'Patient', id)) as Patient;
    } catch (error) {
      throw fromFhirError(error, id);
    }
  }

  /** Every resource (but the two patients) whose compartment references name the patient. */
  private async referencing(ctx: FhirContext, patientId: string, except: string[]): Promise<[string, string][]> {
    const { repository, search } = this.deps.fhir;
    const types = await repository.reading(ctx, (db) => typesReferencingPatient(db, ctx.tenantId, patientId));
    const found: [string, string][] = [];
    for (const type of patientCompartmentTypes()) {
      if (!types.has(type)) continue;
      const ids = new Set<string>();
      for (const param of compartmentParams(type)) {
        for (const id of await search.findIds(ctx, type, [[param, `Patient/${patientId}`]], MAX_MOVED + 1)) ids.add(id);
      }
      for (const id of ids) if (type !== 'Patient' || !except.includes(id)) found.push([type, id]);
      if (found.length > MAX_MOVED) throw patientErrors.mergeRefused(`More than ${MAX_MOVED} resources would move`);
    }
    return found;
  }

  async merge(ctx: FhirContext, sourceId: string, targetId: string, actor: Actor): Promise<MergeRecord> {
    if (sourceId === targetId) throw patientErrors.mergeRefused('A patient cannot be merged into itself');
    const { repository } = this.deps.fhir;
    return repository.inTransaction(ctx, async (tx) => {
      const c: FhirContext = { ...ctx, tx };
      const source = await this.read(c, sourceId);
      const target = await this.read(c, targetId);
      if (isReplaced(source)) throw patientErrors.mergeRefused(`Patient ${sourceId} was already merged into another`);
      if (isReplaced(target))
        throw patientErrors.mergeRefused(`Patient ${targetId} was merged into another; merge into that one`);
      const moved: MovedResource[] = [];
      try {
        for (const [type, id] of await this.referencing(c, sourceId, [sourceId, targetId])) {
          const current = await repository.read(c, type, id);
          const pointers = findPatientReferences(current, sourceId);
          const change = movePatientReferences(current, pointers, sourceId, targetId);
          if (!change.moved.length) continue;
          const written = await repository.update(c, type, id, change.resource as Resource);
          moved.push({
            resourceType: type,
            id,
            fromVersion: current.meta?.versionId ?? '',
            toVersion: written.resource.meta?.versionId ?? '',
            paths: change.moved,
          });
        }
        const replaced = await repository.update(c, 'Patient', sourceId, {
          ...source,
          active: false,
          link: [...(source.link ?? []), linkTo(targetId, 'replaced-by')],
        } as Patient);
        const replacing = await repository.update(c, 'Patient', targetId, {
          ...target,
          link: [...(target.link ?? []), linkTo(sourceId, 'replaces')],
        } as Patient);
        const record: MergeRecord = {
          id: randomUUID(),
          sourceId,
          targetId,
          mergedAt: this.now().toISOString(),
          mergedBy: actor.userId ?? actor.clientId ?? null,
          moved,
          before: {
            source: {
              versionId: source.meta?.versionId ?? '',
              ...(source.active !== undefined ? { active: source.active } : {}),
            },
            target: { versionId: target.meta?.versionId ?? '' },
            sourceVersion: replaced.resource.meta?.versionId ?? '',
            targetVersion: replacing.resource.meta?.versionId ?? '',
          },
          undoneAt: null,
          undoneBy: null,
        };
        await insertMerge(tx, ctx.tenantId, record);
        await this.deps.audit.append(tx, {
          tenantId: ctx.tenantId,
          action: 'patient-merge',
          outcome: 'success',
          ...actor,
          patientId: targetId,
          resourceType: 'Patient',
          resourceId: sourceId,
          detail: `merge ${record.id}: ${moved.length} moved`,
        });
        return record;
      } catch (error) {
        throw fromFhirError(error);
      }
    });
  }

  async get(ctx: FhirContext, mergeId: string): Promise<MergeRecord> {
    const record = await this.deps.fhir.repository.reading(ctx, (db) => readMerge(db, ctx.tenantId, mergeId));
    if (!record) throw patientErrors.mergeNotFound(mergeId);
    return record;
  }

  /**
   * Puts back what the merge moved: each reference it moved that still points at the surviving record
   * goes back to the source (references made after the merge stay), the links go, the source is active again.
   */
  async undo(ctx: FhirContext, mergeId: string, actor: Actor): Promise<MergeRecord & { restored: MovedResource[] }> {
    const { repository } = this.deps.fhir;
    return repository.inTransaction(ctx, async (tx) => {
      const c: FhirContext = { ...ctx, tx };
      const record = await readMerge(tx, ctx.tenantId, mergeId, true);
      if (!record) throw patientErrors.mergeNotFound(mergeId);
      if (record.undoneAt) throw patientErrors.mergeUndone(mergeId);
      const restored: MovedResource[] = [];
      try {
        for (const entry of record.moved) {
          let current: Resource;
          try {
            current = await repository.read(c, entry.resourceType, entry.id);
          } catch (error) {
            if ((error as { status?: number }).status === 410) continue; // deleted since: nothing to restore
            throw error;
          }
          const change = movePatientReferences(current, entry.paths, record.targetId, record.sourceId);
          if (!change.moved.length) continue;
          const written = await repository.update(c, entry.resourceType, entry.id, change.resource);
          restored.push({
            resourceType: entry.resourceType,
            id: entry.id,
            fromVersion: current.meta?.versionId ?? '',
            toVersion: written.resource.meta?.versionId ?? '',
            paths: change.moved,
          });
        }
        const source = withoutLink(await this.read(c, record.sourceId), record.targetId, 'replaced-by');
        const { active: _active, ...sourceRest } = source;
        const wasActive = record.before.source.active;
        await repository.update(c, 'Patient', record.sourceId, {
          ...sourceRest,
          ...(wasActive !== undefined ? { active: wasActive } : {}),
        } as Patient);
        const target = withoutLink(await this.read(c, record.targetId), record.sourceId, 'replaces');
        await repository.update(c, 'Patient', record.targetId, target);
        const at = this.now().toISOString();
        const by = actor.userId ?? actor.clientId ?? null;
        await markMergeUndone(tx, ctx.tenantId, mergeId, at, by);
        await this.deps.audit.append(tx, {
          tenantId: ctx.tenantId,
          action: 'patient-merge-undo',
          outcome: 'success',
          ...actor,
          patientId: record.sourceId,
          resourceType: 'Patient',
          resourceId: record.sourceId,
          detail: `undo ${mergeId}: ${restored.length} restored`,
        });
        return { ...record, undoneAt: at, undoneBy: by, restored };
      } catch (error) {
        throw fromFhirError(error);
      }
    });
  }
}
