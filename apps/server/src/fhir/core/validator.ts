import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { validateRequiredBindings } from './binding-validator';
import { loadDefinitions } from './definitions';

/**
 * Checks a resource against the base R4 StructureDefinitions: element types, cardinality, invariants
 * (FHIRPath constraints), reference targets and required terminology bindings. Returns the issues; errors mean the resource must not be stored.
 */
export function validateFhirResource(resource: Resource): OperationOutcomeIssue[] {
  loadDefinitions();
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource) ?? [];
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      issues = error.outcome.issue ?? [];
    } else {
      throw error;
    }
  }
  return [...issues.map(normaliseIssue), ...validateRequiredBindings(resource)];
}

function normaliseIssue(found: OperationOutcomeIssue): OperationOutcomeIssue {
  const text = found.details?.text ?? found.diagnostics ?? '';
  // A reference to the wrong kind of resource breaks the record's meaning: refuse it, not just warn.
  const isReferenceTarget = text.startsWith('Invalid reference');
  const severity = isReferenceTarget ? 'error' : found.severity;
  return {
    severity,
    code: found.code,
    diagnostics: text || found.diagnostics,
    ...(found.expression ? { expression: found.expression } : {}),
  };
}

export function hasErrors(issues: OperationOutcomeIssue[]): boolean {
  return issues.some((found) => found.severity === 'error' || found.severity === 'fatal');
}
