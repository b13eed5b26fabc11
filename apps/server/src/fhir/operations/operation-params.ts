import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { fhirErrors } from '../core/outcome';
import type { OperationInput } from './operation-registry';

/**
 * An operation's input parameters, from the query string and (for POST) a Parameters body, read the same
 * way whichever the client used.
 */
export interface OperationParams {
  /** The first value of a parameter as text (primitive value[x] or query value). */
  get(name: string): string | undefined;
  /** Every value of a parameter as text. */
  getAll(name: string): string[];
  /** The first Parameters entry of that name, for complex values (valueMeta, resource...). */
  part(name: string): ParametersParameter | undefined;
  /** Whether the POST body was a Parameters resource. */
  fromParameters: boolean;
}

function primitiveText(parameter: ParametersParameter): string | undefined {
  for (const [key, value] of Object.entries(parameter)) {
    if (!key.startsWith('value')) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  return undefined;
}

export function isParameters(body: unknown): body is Parameters {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as Resource).resourceType === 'Parameters' &&
    !Array.isArray(body)
  );
}

export function readParams(input: Pick<OperationInput, 'query' | 'body' | 'method'>): OperationParams {
  const parts: ParametersParameter[] = [];
  const fromParameters = input.method === 'POST' && isParameters(input.body);
  if (fromParameters) {
    const list = (input.body as Parameters).parameter ?? [];
    if (!Array.isArray(list)) throw fhirErrors.invalid('Parameters.parameter must be a list', 'Parameters.parameter');
    for (const parameter of list) {
      if (typeof parameter?.name !== 'string') {
        throw fhirErrors.invalid('Every parameter needs a name', 'Parameters.parameter.name');
      }
      parts.push(parameter);
    }
  }
  for (const [name, value] of input.query) parts.push({ name, valueString: value });
  return {
    fromParameters,
    get: (name) => {
      for (const part of parts) {
        if (part.name !== name) continue;
        const text = primitiveText(part);
        if (text !== undefined) return text;
      }
      return undefined;
    },
    getAll: (name) =>
      parts.filter((part) => part.name === name).flatMap((part) => primitiveText(part) ?? ([] as string[])),
    part: (name) => parts.find((part) => part.name === name),
  };
}

/** A FHIR instant (or a date-time precise to the second), as an ISO string; a clear error otherwise. */
export function parseInstant(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) {
    throw fhirErrors.invalid(`${name} must be an instant such as 2024-01-01T00:00:00Z`, name);
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw fhirErrors.invalid(`${name} must be an instant such as 2024-01-01T00:00:00Z`, name);
  return new Date(time).toISOString();
}
