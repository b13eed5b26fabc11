import type { Coding, ParametersParameter } from '@medplum/fhirtypes';
import type { FhirContext } from '../../../fhir';
import { FhirError, fhirErrors } from '../../../fhir';
import type { OperationParams } from '../../../fhir/operations/operation-params';
import type { TerminologyReadOptions } from '../terminology.service';

/** A 404 naming the parameter whose value is not known here (a code system, a value set, a code). */
export function notFound(diagnostics: string, parameter: string): FhirError {
  return new FhirError(
    404,
    [{ severity: 'error', code: 'not-found', diagnostics, expression: [parameter] }],
    'FHIR_NOT_FOUND',
  );
}

/** The code and system asked about: from `code` + `system`, or from a `coding` parameter. */
export function codeAndSystem(
  params: OperationParams,
  systemParameter = 'system',
): { system?: string; code?: string; display?: string } {
  const coding = params.part('coding')?.valueCoding as Coding | undefined;
  if (coding !== undefined && (typeof coding !== 'object' || coding === null)) {
    throw fhirErrors.invalid('coding must be a Coding', 'coding');
  }
  const code = params.get('code') ?? coding?.code;
  const system = params.get(systemParameter) ?? coding?.system;
  const display = params.get('display') ?? coding?.display;
  return {
    ...(code !== undefined ? { code } : {}),
    ...(system !== undefined ? { system } : {}),
    ...(display !== undefined ? { display } : {}),
  };
}

/** A non-negative whole number parameter, or a 400 naming it. */
export function readWholeNumber(params: OperationParams, name: string, max?: number): number | undefined {
  const text = params.get(name);
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw fhirErrors.invalid(`${name} must be a whole number of 0 or more`, name);
  const value = Number(text);
  if (max !== undefined && value > max) throw fhirErrors.invalid(`${name} must be at most ${max}`, name);
  return value;
}

export function stringParameter(name: string, value: string | undefined): ParametersParameter[] {
  return value === undefined || value === '' ? [] : [{ name, valueString: value }];
}

/** Where an operation reads: the transaction it runs in (a Bundle), else the caller's tenant's connection. */
export function readOptionsOf(ctx: FhirContext): TerminologyReadOptions {
  return ctx.tx ? { tx: ctx.tx } : { tenantId: ctx.tenantId };
}
