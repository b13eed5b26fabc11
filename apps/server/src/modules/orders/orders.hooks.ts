import type { DiagnosticReport, Identifier, Observation, Resource, ServiceRequest } from '@medplum/fhirtypes';
import {
  type BeforeWriteHook,
  FhirError,
  type FhirWriteHooks,
  fhirErrors,
  type PendingWrite,
  type WriteGuard,
} from '../../fhir';
import type { Queryable } from '../../platform/db';
import { ACCESSION_PATTERN, accessionIdentifier, accessionSystem, formatAccession } from './orders.catalog';
import { allowedOrderTransitions, orderStatusChangeAllowed, reportStatusChangeAllowed } from './orders.state';
import { advanceAccessionCounter, claimAccession } from './orders.store';
import { interpret } from './results.interpret';

type Outcome = { resource: Resource } | { error: unknown };

function businessRule(message: string, expression: string): FhirError {
  return new FhirError(
    422,
    [{ severity: 'error', code: 'business-rule', diagnostics: message, expression: [expression] }],
    'FHIR_BUSINESS_RULE',
  );
}

/** Draws numbers until one is free (a number a client brought ahead of the counter is skipped). */
async function allocateAccession(tx: Queryable, tenantId: string, requestId: string, now: Date): Promise<string> {
  for (;;) {
    const value = formatAccession(await advanceAccessionCounter(tx, tenantId, 1), now);
    if (await claimAccession(tx, tenantId, value, requestId)) return value;
  }
}

function withAccession(request: ServiceRequest, identifier: Identifier): ServiceRequest {
  const identifiers = request.identifier ?? [];
  const has = identifiers.some((i) => i.system === identifier.system);
  return {
    ...request,
    identifier: has ? identifiers : [...identifiers, identifier],
    requisition: request.requisition ?? identifier,
  };
}

async function decide(tx: Queryable, tenantId: string, now: Date, write: PendingWrite): Promise<Outcome> {
  const request = write.resource as ServiceRequest;
  if (request.identifier !== undefined && !Array.isArray(request.identifier)) return { resource: write.resource };
  const system = accessionSystem(tenantId);
  const identifiers = request.identifier ?? [];
  const index = identifiers.findIndex((identifier) => identifier?.system === system);
  const stored = (write.current as ServiceRequest | undefined)?.identifier?.find((i) => i.system === system);
  if (stored) {
    if (index >= 0 && identifiers[index]?.value !== stored.value) {
      return {
        error: fhirErrors.invalid(
          'The accession number cannot be changed',
          `ServiceRequest.identifier[${index}].value`,
        ),
      };
    }
    if (request.requisition?.system === system && request.requisition.value !== stored.value) {
      return {
        error: fhirErrors.invalid('The accession number cannot be changed', 'ServiceRequest.requisition.value'),
      };
    }
    return { resource: withAccession(request, stored) as Resource };
  }
  if (index >= 0) {
    // A re-import brings its number: well formed and never issued to another order.
    const value = identifiers[index]?.value;
    const expression = `ServiceRequest.identifier[${index}].value`;
    if (typeof value !== 'string' || !ACCESSION_PATTERN.test(value)) {
      return { error: fhirErrors.invalid(`Not an accession number of this tenant's format (${system})`, expression) };
    }
    if (!(await claimAccession(tx, tenantId, value, write.id))) {
      return {
        error: new FhirError(
          409,
          [
            {
              severity: 'error',
              code: 'duplicate',
              diagnostics: 'This accession number was already issued',
              expression: [expression],
            },
          ],
          'FHIR_ACCESSION_TAKEN',
        ),
      };
    }
    return { resource: withAccession(request, identifiers[index]!) as Resource };
  }
  const value = await allocateAccession(tx, tenantId, write.id, now);
  return { resource: withAccession(request, accessionIdentifier(tenantId, value)) as Resource };
}

/**
 * Before ServiceRequests are stored: a new one gets the tenant's next accession number (as an ACSN
 * identifier and as the requisition) unless it brings one; an update keeps it and may not change it.
 */
export function assignAccession(now: () => Date): BeforeWriteHook {
  return async (tx, ctx, writes) => {
    const outcomes: Outcome[] = [];
    for (const write of writes) {
      try {
        outcomes.push(await decide(tx, ctx.tenantId, now(), write));
      } catch (error) {
        outcomes.push({ error });
      }
    }
    return outcomes;
  };
}

/** Observations other than vital signs get their reference range and interpretation computed when absent. */
export const interpretObservations: BeforeWriteHook = async (_tx, _ctx, writes) =>
  writes.map((write) => {
    const observation = write.resource as Observation;
    const vital = (observation.category ?? []).some((c) => (c?.coding ?? []).some((k) => k?.code === 'vital-signs'));
    if (vital || !observation.valueQuantity || typeof observation.valueQuantity !== 'object') {
      return { resource: write.resource };
    }
    try {
      return { resource: interpret(observation) as Resource };
    } catch {
      // Malformed input is for the validator to name.
      return { resource: write.resource };
    }
  });

/** Orders keep to their lifecycle on every write path (REST, Bundles, imports). */
export const orderWriteGuard: WriteGuard = ({ before, after }) => {
  if (!before || !after) return;
  const from = (before as ServiceRequest).status;
  const to = (after as ServiceRequest).status;
  if (orderStatusChangeAllowed(from, to)) return;
  const allowed = allowedOrderTransitions(from);
  throw businessRule(
    `An order that is ${from} cannot become ${to}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`,
    'ServiceRequest.status',
  );
};

/** A final report is changed only by amending or correcting it. */
export const reportWriteGuard: WriteGuard = ({ before, after }) => {
  if (!before || !after) return;
  const from = (before as DiagnosticReport).status;
  const to = (after as DiagnosticReport).status;
  if (reportStatusChangeAllowed(from, to)) return;
  throw businessRule(
    `A report that is ${from} cannot become ${to}: a released report changes as amended or corrected`,
    'DiagnosticReport.status',
  );
};

/** Runs `second` on what `first` kept, so two modules can add hooks for one type. */
function chain(first: BeforeWriteHook, second: BeforeWriteHook): BeforeWriteHook {
  return async (tx, ctx, writes) => {
    const results = await first(tx, ctx, writes);
    const passed = results.flatMap((result, i) =>
      'error' in result ? [] : [{ i, write: { ...writes[i]!, resource: result.resource } }],
    );
    if (!passed.length) return results;
    const again = await second(
      tx,
      ctx,
      passed.map(({ write }) => write),
    );
    for (const [position, { i }] of passed.entries()) results[i] = again[position]!;
    return results;
  };
}

/** The FHIR write hooks of orders and results added to others' (given to createFhirServices). */
export function withOrderWriteHooks(base: FhirWriteHooks, now: () => Date = () => new Date()): FhirWriteHooks {
  const beforeWrite: Record<string, BeforeWriteHook> = { ...(base.beforeWrite ?? {}) };
  const add = (type: string, hook: BeforeWriteHook) => {
    beforeWrite[type] = beforeWrite[type] ? chain(beforeWrite[type], hook) : hook;
  };
  add('ServiceRequest', assignAccession(now));
  add('Observation', interpretObservations);
  return { ...base, beforeWrite };
}
