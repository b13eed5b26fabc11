import type { Encounter, Location } from '@medplum/fhirtypes';
import { FhirError, type FhirRepository } from '../../fhir';
import type { Queryable } from '../../platform/db';
import { bedStatusOf, idOf, levelOf } from './beds.status';
import { bedStore } from './beds.store';

function refuse(message: string, expression = 'Location.operationalStatus'): FhirError {
  return new FhirError(
    422,
    [{ severity: 'error', code: 'business-rule', diagnostics: message, expression: [expression] }],
    'FHIR_BUSINESS_RULE',
  );
}

const CLOSED = new Set(['finished', 'cancelled', 'entered-in-error']);

async function wardOf(repository: FhirRepository, tx: Queryable, tenantId: string, bed: Location) {
  const parentId = idOf(bed.partOf?.reference);
  if (!parentId) return null;
  try {
    const parent = (await repository.read({ tenantId, tx }, 'Location', parentId)) as Location;
    if (levelOf(parent) === 'ward') return parent.id!;
    return idOf(parent.partOf?.reference) ?? null;
  } catch {
    return null;
  }
}

/**
 * Every write of a bed Location, whatever its path (board moves, FHIR REST, Bundles, imports), inside the
 * write's transaction: the bed's status must agree with `bed_occupancy` — occupied exactly while a stay
 * is open, so a plain FHIR write can neither mark a bed occupied nor free or delete a bed a patient lies
 * in — and a status the history has not seen yet (a bed created or changed through plain FHIR) is
 * recorded, so occupancy and turnover count it. An Encounter holding a bed cannot be closed or deleted
 * but by discharge from the board, so no bed stays occupied by a finished visit.
 */
export function watchBedWrites(repository: FhirRepository): void {
  repository.onWrite(async (tx, events) => {
    for (const event of events) {
      if (event.resourceType === 'Encounter' && event.resource) {
        // A stay in a bed ends by discharge on the board, which frees the bed before the visit closes.
        const status = (event.resource as Encounter).status;
        if (
          (event.action === 'delete' || CLOSED.has(status)) &&
          (await bedStore.openStayOf(tx, event.tenantId, event.id))
        ) {
          throw refuse(
            'The patient lies in a bed for this encounter: discharge them from the bed board first',
            'Encounter.status',
          );
        }
        continue;
      }
      if (event.resourceType !== 'Location' || !event.resource) continue;
      const bed = event.resource as Location;
      if (levelOf(bed) !== 'bed') continue;
      const stay = await bedStore.openStayOfBed(tx, event.tenantId, event.id);
      if (event.action === 'delete') {
        if (stay) throw refuse('A patient lies in this bed: discharge or transfer them before removing it');
        continue;
      }
      const status = bedStatusOf(bed);
      if (status === 'occupied' && !stay) {
        throw refuse('A bed becomes occupied by admitting a patient to it (POST /beds/admissions)');
      }
      if (status !== 'occupied' && stay) {
        throw refuse('A patient lies in this bed: it stays occupied until they are transferred or discharged');
      }
      const latest = (await bedStore.latestChanges(tx, event.tenantId, [event.id])).get(event.id);
      const wardId = await wardOf(repository, tx, event.tenantId, bed);
      if (latest && latest.to === status && latest.wardId === wardId) continue;
      await bedStore.recordChange(tx, event.tenantId, {
        bedId: event.id,
        wardId,
        from: latest?.to ?? null,
        to: status,
        at: bed.meta?.lastUpdated ?? new Date().toISOString(),
        event: latest ? 'fhir' : 'created',
        byUser: null,
        encounterId: null,
        reason: null,
      });
    }
  });
}
