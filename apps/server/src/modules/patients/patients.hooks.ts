import type { Identifier, Patient, Resource } from '@medplum/fhirtypes';
import { type BeforeWriteHook, FhirError, type FhirWriteHooks, fhirErrors, type SearchIndexWriter } from '../../fhir';
import type { Queryable } from '../../platform/db';
import { formatMrn, isValidMrn, mrnCapacity } from './mrn';
import { blockingKeys, matchFeatures } from './patient-matching';
import { type MrnFormat, mrnSystem, withDefaults } from './patients.settings';
import { claimMrn, nextMrnSequence, readSettings, replaceMatchKeys } from './patients.store';

export function mrnIdentifier(system: string, value: string): Identifier {
  return {
    use: 'usual',
    type: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical record number' },
      ],
      text: 'MRN',
    },
    system,
    value,
  };
}

/** Draws numbers until one was never issued (a number a client brought in may sit ahead of the counter). */
async function allocateMrn(tx: Queryable, tenantId: string, format: MrnFormat, patientId: string): Promise<string> {
  for (;;) {
    const sequence = await nextMrnSequence(tx, tenantId);
    if (sequence > mrnCapacity(format)) {
      throw new FhirError(
        409,
        [{ severity: 'error', code: 'conflict', diagnostics: 'Every medical record number of the format is used' }],
        'PATIENT_MRN_EXHAUSTED',
      );
    }
    const value = formatMrn(format, sequence);
    if (await claimMrn(tx, tenantId, value, patientId)) return value;
  }
}

/**
 * Before a Patient is stored: a new one gets a tenant MRN unless it brings one (a re-import), which must
 * be well formed and never issued to another patient. An update keeps the stored MRN (a client that
 * leaves it out does not remove it) and may not change it.
 */
export const assignMrn: BeforeWriteHook = async (tx, ctx, resource, id, current) => {
  const patient = resource as Patient;
  if (patient.identifier !== undefined && !Array.isArray(patient.identifier)) return resource;
  const settings = withDefaults(await readSettings(tx, ctx.tenantId));
  const system = mrnSystem(ctx.tenantId, settings.mrn);
  const identifiers = patient.identifier ?? [];
  const index = identifiers.findIndex((identifier) => identifier?.system === system);
  const stored = (current as Patient | undefined)?.identifier?.find((identifier) => identifier.system === system);
  if (stored) {
    if (index < 0) return { ...patient, identifier: [...identifiers, stored] } as Resource;
    if (identifiers[index]?.value !== stored.value) {
      throw fhirErrors.invalid('The medical record number cannot be changed', `Patient.identifier[${index}].value`);
    }
    return resource;
  }
  if (index < 0) {
    const value = await allocateMrn(tx, ctx.tenantId, settings.mrn, id);
    return { ...patient, identifier: [...identifiers, mrnIdentifier(system, value)] } as Resource;
  }
  const value = identifiers[index]?.value;
  const expression = `Patient.identifier[${index}].value`;
  if (typeof value !== 'string' || !isValidMrn(settings.mrn, value)) {
    throw fhirErrors.invalid(`Not a medical record number of this tenant's format (${system})`, expression);
  }
  if (!(await claimMrn(tx, ctx.tenantId, value, id))) {
    throw new FhirError(
      409,
      [
        {
          severity: 'error',
          code: 'duplicate',
          diagnostics: 'This medical record number was already issued',
          expression: [expression],
        },
      ],
      'PATIENT_CONFLICT',
    );
  }
  return resource;
};

/** A merged-away record (inactive, replaced by another) is no longer a candidate. */
function isReplaced(patient: Patient): boolean {
  return patient.active === false && Boolean(patient.link?.some((link) => link.type === 'replaced-by'));
}

function keysOf(resource: Resource | null): string[] {
  if (resource?.resourceType !== 'Patient' || isReplaced(resource)) return [];
  return blockingKeys(matchFeatures(resource));
}

/** Keeps patient_match_key in step with every Patient write, in the write's transaction. */
export const matchKeyWriter: SearchIndexWriter = {
  async write(db, tenantId, resourceType, id, resource) {
    if (resourceType !== 'Patient') return;
    await replaceMatchKeys(db, tenantId, [{ id, keys: keysOf(resource) }]);
  },
  async writeMany(db, tenantId, resources) {
    const patients = resources.filter((resource) => resource.resourceType === 'Patient');
    await replaceMatchKeys(
      db,
      tenantId,
      patients.map((patient) => ({ id: patient.id!, keys: keysOf(patient) })),
    );
  },
};

/** What the patients module adds to the FHIR engine's writes (given to createFhirServices). */
export function patientWriteHooks(): FhirWriteHooks {
  return { beforeWrite: { Patient: assignMrn }, indexes: [matchKeyWriter] };
}
