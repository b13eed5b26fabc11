import type { OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { isResourceType } from '../core/definitions';
import { isValidId } from '../core/ids';
import { FhirError, fhirErrors, issue } from '../core/outcome';
import { hasErrors, validateFhirResource } from '../core/validator';
import { isParameters, readParams } from './operation-params';
import type { FhirOperation, OperationInput, OperationResult } from './operation-registry';

type Mode = 'create' | 'update' | 'delete';
const MODES = new Set<Mode>(['create', 'update', 'delete']);

/**
 * $validate: would this resource be accepted? Answers 200 with an OperationOutcome listing the problems
 * (or saying there are none) and never stores anything. A 4xx means the request itself was unusable.
 */
export const validateOperation: FhirOperation = {
  name: 'validate',
  levels: ['type', 'instance'],
  methods: ['GET', 'POST'],
  definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
  affectsState: false,
  async handle(input) {
    const params = readParams(input);
    const modeText = params.get('mode') ?? (input.level === 'instance' ? 'update' : 'create');
    if (!MODES.has(modeText as Mode)) {
      throw fhirErrors.notSupported(`mode '${modeText}' is not supported; use create, update or delete`, 'mode');
    }
    const mode = modeText as Mode;
    const issues: OperationOutcomeIssue[] = [];
    const profile = params.get('profile');
    if (profile && !profile.startsWith('http://hl7.org/fhir/StructureDefinition/')) {
      issues.push(
        issue(
          'not-supported',
          `Profile ${profile} is not known here; validated against the base definitions`,
          'profile',
          'warning',
        ),
      );
    }

    if (mode === 'delete') {
      if (input.level !== 'instance') throw fhirErrors.invalid('mode=delete needs an instance: [type]/[id]/$validate');
      issues.push(...(await checkExists(input)));
      return answer(issues, `${input.resourceType}/${input.id} can be deleted`);
    }

    const resource = await resourceToValidate(input, params.part('resource')?.resource, params.fromParameters);
    issues.push(...structuralChecks(resource, input, mode));
    if (!hasErrors(issues)) issues.push(...validateFhirResource(resource));
    return answer(issues, 'The resource is valid');
  },
};

async function resourceToValidate(
  input: OperationInput,
  fromParameters: Resource | undefined,
  isParametersBody: boolean,
): Promise<Resource> {
  if (input.method === 'GET') {
    if (input.level !== 'instance')
      throw fhirErrors.invalid('GET $validate needs an instance; POST a resource instead');
    return input.services.repository.read(input.ctx, input.resourceType!, input.id!);
  }
  const body = isParametersBody ? fromParameters : (input.body as Resource | undefined);
  if (body === undefined && input.level === 'instance') {
    return input.services.repository.read(input.ctx, input.resourceType!, input.id!);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw fhirErrors.invalid('Send the resource to validate, or a Parameters with a resource parameter', 'resource');
  }
  // A Parameters resource posted to Parameters/$validate is the resource itself.
  if (isParameters(body) && input.resourceType !== 'Parameters') {
    throw fhirErrors.invalid('The resource parameter must hold the resource to validate', 'resource');
  }
  return body;
}

function structuralChecks(resource: Resource, input: OperationInput, mode: Mode): OperationOutcomeIssue[] {
  const type = resource.resourceType;
  if (typeof type !== 'string' || !isResourceType(type)) {
    return [issue('invalid', `Unknown or missing resourceType '${String(type)}'`, 'resourceType')];
  }
  if (input.resourceType && type !== input.resourceType) {
    return [
      issue('invalid', `resourceType '${type}' does not match the URL's '${input.resourceType}'`, 'resourceType'),
    ];
  }
  const issues: OperationOutcomeIssue[] = [];
  if (mode === 'update') {
    if (resource.id === undefined) {
      issues.push(issue('required', 'An update needs the resource id', `${type}.id`));
    } else if (!isValidId(resource.id)) {
      issues.push(issue('invalid', `'${resource.id}' is not a valid resource id`, `${type}.id`));
    } else if (input.id && resource.id !== input.id) {
      issues.push(
        issue('invalid', `Resource id '${resource.id}' does not match the URL's '${input.id}'`, `${type}.id`),
      );
    }
  }
  return issues;
}

async function checkExists(input: OperationInput): Promise<OperationOutcomeIssue[]> {
  try {
    await input.services.repository.read(input.ctx, input.resourceType!, input.id!);
    return [];
  } catch (error) {
    if (error instanceof FhirError && (error.status === 404 || error.status === 410)) return error.issues;
    throw error;
  }
}

function answer(issues: OperationOutcomeIssue[], allClear: string): OperationResult {
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: issues.length ? issues : [{ severity: 'information', code: 'informational', diagnostics: allClear }],
  };
  return { status: 200, resource: outcome };
}
