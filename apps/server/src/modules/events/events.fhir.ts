import type { Encounter, Patient } from '@medplum/fhirtypes';
import type { FhirRepository } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { EventPublisher } from './events.types';

/** The version before `versionId`, read on the write's transaction. */
async function previousVersion<T>(
  tx: Queryable,
  tenantId: string,
  type: string,
  id: string,
  versionId: number,
): Promise<T | undefined> {
  if (versionId <= 1) return undefined;
  const result = await tx.query<{ content: string | null }>(
    `SELECT content FROM fhir_resource_history
      WHERE tenant_id = $1 AND resource_type = $2 AND id = $3 AND version_id = $4`,
    [tenantId, type, id, versionId - 1],
  );
  const content = result.rows[0]?.content;
  return content ? (JSON.parse(content) as T) : undefined;
}

function referenceId(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}

function replacedBy(patient: Patient | undefined): string[] {
  return (patient?.link ?? [])
    .filter((link) => link.type === 'replaced-by')
    .map((link) => referenceId(link.other?.reference, 'Patient'))
    .filter((id): id is string => Boolean(id));
}

/**
 * Events about FHIR resources written through any path (REST, Bundles, module APIs), published in the
 * write's own transaction: `patient.registered` when a Patient is created, `patient.merged` when a Patient
 * gains a replaced-by link (a merge), `encounter.finished` when an Encounter moves to finished (one created
 * already finished, e.g. an imported past visit, is not a finish).
 */
export function publishFhirEvents(repository: Pick<FhirRepository, 'onWrite'>, events: EventPublisher): void {
  repository.onWrite(async (tx, writes) => {
    for (const write of writes) {
      const changed = write.action === 'update' || write.action === 'patch';
      if (write.resourceType === 'Patient' && write.action === 'create') {
        await events.publish(tx, write.tenantId, {
          type: 'patient.registered',
          aggregate: { type: 'Patient', id: write.id },
          data: { patientId: write.id, active: (write.resource as Patient | undefined)?.active ?? true },
        });
      } else if (write.resourceType === 'Patient' && changed) {
        const targets = replacedBy(write.resource as Patient | undefined);
        if (targets.length === 0) continue;
        const before = new Set(
          replacedBy(await previousVersion<Patient>(tx, write.tenantId, 'Patient', write.id, write.versionId)),
        );
        for (const targetId of targets.filter((id) => !before.has(id))) {
          await events.publish(tx, write.tenantId, {
            type: 'patient.merged',
            aggregate: { type: 'Patient', id: targetId },
            data: { sourceId: write.id, targetId },
          });
        }
      } else if (write.resourceType === 'Encounter' && changed) {
        const encounter = write.resource as Encounter | undefined;
        if (encounter?.status !== 'finished') continue;
        const previous = await previousVersion<Encounter>(tx, write.tenantId, 'Encounter', write.id, write.versionId);
        if (!previous || previous.status === 'finished') continue;
        const patientId = referenceId(encounter.subject?.reference, 'Patient');
        await events.publish(tx, write.tenantId, {
          type: 'encounter.finished',
          aggregate: { type: 'Encounter', id: write.id },
          data: {
            encounterId: write.id,
            ...(patientId ? { patientId } : {}),
            ...(encounter.class?.code ? { class: encounter.class.code } : {}),
            ...(encounter.period?.end ? { finishedAt: encounter.period.end } : {}),
          },
        });
      }
    }
  });
}
