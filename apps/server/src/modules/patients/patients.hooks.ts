import type { Identifier, Patient, Resource } from '@medplum/fhirtypes';
import {
  type BeforeWriteHook,
  FhirError,
  type FhirWriteHooks,
  fhirErrors,
  type PendingWrite,
  type SearchIndexWriter,
} from '../../fhir';
import type { Queryable } from '../../platform/db';
import { formatMrn, isValidMrn, mrnCapacity } from './mrn';
import { blockingKeys, matchFeatures } from './patient-matching';
import { type MrnFormat, mrnSystem, withDefaults } from './patients.settings';
import { advanceMrnSequence, claimMrn, claimMrns, readSettings, replaceMatchKeys } from './patients.store';

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

function exhausted(): FhirError {
  return new FhirError(
    409,
    [{ severity: 'error', code: 'conflict', diagnostics: 'Every medical record number of the format is used' }],
    'PATIENT_MRN_EXHAUSTED',
  );
}

/**
 * New numbers for these patients: one draw of the sequence for all of them; a number a client brought in
 * ahead of the counter is skipped (drawn again).
 */
async function allocateMrns(
  tx: Queryable,
  tenantId: string,
  format: MrnFormat,
  patientIds: string[],
): Promise<string[]> {
  const values: string[] = new Array(patientIds.length);
  let missing = patientIds.map((_, position) => position);
  while (missing.length) {
    const last = await advanceMrnSequence(tx, tenantId, missing.length);
    if (last > mrnCapacity(format)) throw exhausted();
    const drawn = missing.map((position, i) => ({
      position,
      value: formatMrn(format, last - missing.length + 1 + i),
    }));
    const claimed = await claimMrns(
      tx,
      tenantId,
      drawn.map(({ position, value }) => ({ value, patientId: patientIds[position]! })),
    );
    for (const { position, value } of drawn) if (claimed.has(value)) values[position] = value;
    missing = drawn.filter(({ value }) => !claimed.has(value)).map(({ position }) => position);
  }
  return values;
}

type Decision = { resource: Resource } | { error: unknown } | { allocate: true };

/** What one write needs: its stored MRN kept, a brought MRN checked, or a new number. */
async function decide(
  tx: Queryable,
  tenantId: string,
  format: MrnFormat,
  system: string,
  write: PendingWrite,
): Promise<Decision> {
  const patient = write.resource as Patient;
  if (patient.identifier !== undefined && !Array.isArray(patient.identifier)) return { resource: write.resource };
  const identifiers = patient.identifier ?? [];
  const index = identifiers.findIndex((identifier) => identifier?.system === system);
  const stored = (write.current as Patient | undefined)?.identifier?.find((identifier) => identifier.system === system);
  if (stored) {
    if (index < 0) return { resource: { ...patient, identifier: [...identifiers, stored] } as Resource };
    if (identifiers[index]?.value !== stored.value) {
      return {
        error: fhirErrors.invalid('The medical record number cannot be changed', `Patient.identifier[${index}].value`),
      };
    }
    return { resource: write.resource };
  }
  if (index < 0) return { allocate: true };
  const value = identifiers[index]?.value;
  const expression = `Patient.identifier[${index}].value`;
  if (typeof value !== 'string' || !isValidMrn(format, value)) {
    return { error: fhirErrors.invalid(`Not a medical record number of this tenant's format (${system})`, expression) };
  }
  if (!(await claimMrn(tx, tenantId, value, write.id))) {
    return {
      error: new FhirError(
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
      ),
    };
  }
  return { resource: write.resource };
}

/**
 * Before Patients are stored: a new one gets a tenant MRN unless it brings one (a re-import), which must
 * be well formed and never issued to another patient. An update keeps the stored MRN (a client that
 * leaves it out does not remove it) and may not change it. A Bundle's patients draw their numbers at once.
 */
export const assignMrn: BeforeWriteHook = async (tx, ctx, writes) => {
  const settings = withDefaults(await readSettings(tx, ctx.tenantId));
  const system = mrnSystem(ctx.tenantId, settings.mrn);
  const decisions: Decision[] = [];
  for (const write of writes) decisions.push(await decide(tx, ctx.tenantId, settings.mrn, system, write));
  const allocating = decisions.flatMap((decision, position) => ('allocate' in decision ? [position] : []));
  if (allocating.length) {
    let values: string[];
    try {
      values = await allocateMrns(
        tx,
        ctx.tenantId,
        settings.mrn,
        allocating.map((position) => writes[position]!.id),
      );
    } catch (error) {
      return writes.map(() => ({ error }));
    }
    for (const [i, position] of allocating.entries()) {
      const patient = writes[position]!.resource as Patient;
      decisions[position] = {
        resource: {
          ...patient,
          identifier: [...(patient.identifier ?? []), mrnIdentifier(system, values[i]!)],
        } as Resource,
      };
    }
  }
  return decisions as ({ resource: Resource } | { error: unknown })[];
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
