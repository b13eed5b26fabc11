import { randomUUID } from 'node:crypto';
import type { Database } from '../../../platform/db';
import { typeScope } from '../../core/access';
import { isResourceType } from '../../core/definitions';
import { fhirErrors } from '../../core/outcome';
import { parseInstant, readParams } from '../operation-params';
import type { FhirOperation, OperationInput } from '../operation-registry';
import type { ExportWorker } from './export.worker';
import { type ExportLevel, insertJob } from './export-job.store';
import { statusUrl } from './export-paths';

const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
/** Kick-off parameters of the Bulk Data IG this server does not implement; refused rather than ignored. */
const UNSUPPORTED = ['_typeFilter', '_elements', 'patient', 'includeAssociatedData'];

function headerValue(input: OperationInput, name: string): string {
  const value = input.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).toLowerCase();
}

/**
 * Bulk Data kick-off ($export at system, Patient and Group/[id] level, Bulk Data Access IG v2): checks
 * the request, records a job and answers 202 with the status URL in Content-Location. The export itself
 * runs in the background (ExportWorker).
 */
export function exportOperation(deps: { db: Database; worker: ExportWorker; now: () => Date }): FhirOperation {
  return {
    name: 'export',
    levels: ['system', 'type', 'instance'],
    resourceTypes: ['Patient', 'Group'],
    methods: ['GET', 'POST'],
    definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export',
    affectsState: false,
    async handle(input) {
      const level = exportLevel(input);
      if (!headerValue(input, 'prefer').includes('respond-async')) {
        throw fhirErrors.invalid('A bulk export runs asynchronously: send the header Prefer: respond-async');
      }
      const accept = headerValue(input, 'accept');
      if (accept && !/application\/fhir\+json|application\/json|\*\/\*/.test(accept)) {
        throw fhirErrors.invalid('A bulk export kick-off takes Accept: application/fhir+json');
      }
      const params = readParams(input);
      for (const name of UNSUPPORTED) {
        if (params.getAll(name).length || params.part(name)) {
          throw fhirErrors.notSupported(`The ${name} parameter of $export is not supported here`, name);
        }
      }
      const format = params.get('_outputFormat');
      if (format !== undefined && !NDJSON_FORMATS.has(format)) {
        throw fhirErrors.notSupported(
          `_outputFormat '${format}' is not supported; use application/fhir+ndjson`,
          '_outputFormat',
        );
      }
      const since = parseInstant(params.get('_since'), '_since') ?? null;
      const types = parseTypes(params.getAll('_type'));
      if (level === 'group') await input.services.repository.read(input.ctx, 'Group', input.id!);

      // The export keeps to what the requester may read now, whoever runs the job later.
      const scope = await input.services.repository.reading(input.ctx, (db) =>
        typeScope(input.ctx.access, db, 'read', undefined),
      );
      const id = randomUUID();
      await deps.db.transaction(input.ctx.tenantId, (tx) =>
        insertJob(tx, {
          tenantId: input.ctx.tenantId,
          id,
          level,
          groupId: level === 'group' ? input.id! : null,
          types,
          since,
          requestUrl: requestUrl(input),
          transactionTime: deps.now().toISOString(),
          accessScope: scope ? Object.fromEntries(scope) : null,
        }),
      );
      deps.worker.enqueue(input.ctx.tenantId, id);
      return {
        status: 202,
        headers: { 'content-location': statusUrl(input.baseUrl, id) },
        resource: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational', diagnostics: 'The export has started' }],
        },
      };
    },
  };
}

function exportLevel(input: OperationInput): ExportLevel {
  if (input.level === 'system') return 'system';
  if (input.level === 'type' && input.resourceType === 'Patient') return 'patient';
  if (input.level === 'instance' && input.resourceType === 'Group') return 'group';
  throw fhirErrors.notSupported('$export runs at [base]/$export, [base]/Patient/$export or [base]/Group/[id]/$export');
}

function parseTypes(values: string[]): string[] | null {
  const types = values
    .flatMap((value) => value.split(','))
    .map((type) => type.trim())
    .filter(Boolean);
  for (const type of types) {
    if (!isResourceType(type)) throw fhirErrors.invalid(`Unknown resource type '${type}' in _type`, '_type');
  }
  return types.length ? [...new Set(types)] : null;
}

function requestUrl(input: OperationInput): string {
  const path =
    input.level === 'system'
      ? '$export'
      : input.level === 'type'
        ? `${input.resourceType}/$export`
        : `${input.resourceType}/${input.id}/$export`;
  const query = new URLSearchParams(input.query).toString();
  return `${input.baseUrl}/${path}${query ? `?${query}` : ''}`;
}
