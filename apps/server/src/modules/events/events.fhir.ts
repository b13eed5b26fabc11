import type { Encounter, Patient } from '@medplum/fhirtypes';
import type { FhirRepository } from '../../fhir';
import type { Queryable } from '../../platform/db';
import type { EventPublisher } from './events.types';

async function previousStatus(
  tx: Queryable,
  tenantId: string,
  id: string,
  versionId: number,
): Promise<string | undefined> {
  const result = await tx.query<{ content: string | null }>(
    `SELECT content FROM fhir_resource_history
      WHERE tenant_id = $1 AND resource_type = 'Encounter' AND id = $2 AND version_id = $3`,
    [tenantId, id, versionId - 1],
  );
  const content = result.rows[0]?.content;
  return content ? (JSON.parse(content) as Encounter).status : undefined;
}

function referenceId(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}

/**
 * Events about FHIR resources written through any path (REST, Bundles, module APIs), published in the
 * write's own transaction: `patient.registered` when a Patient is created, `encounter.finished` when an
 * Encounter moves to finished (created already finished, e.g. an imported past visit, is not a finish).
 */
export function publishFhirEvents(repository: Pick<FhirRepository, 'onWrite'>, events: EventPublisher): void {
  repository.onWrite(async (tx, writes) => {
    for (const write of writes) {
      if (write.resourceType === 'Patient' && write.action === 'create') {
        await events.publish(tx, write.tenantId, {
          type: 'patient.registered',
          aggregate: { type: 'Patient', id: write.id },
          data: { patientId: write.id, active: (write.resource as Patient | undefined)?.active ?? true },
        });
      } else if (
        write.resourceType === 'Encounter' &&
        (write.action === 'update' || write.action === 'patch') &&
        (write.resource as Encounter | undefined)?.status === 'finished' &&
        write.versionId > 1 &&
        (await previousStatus(tx, write.tenantId, write.id, write.versionId)) !== 'finished'
      ) {
        const encounter = write.resource as Encounter;
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
