import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { FhirContext } from '../core/repository';
import type { BundleService } from '../fhir-services';
import { type FailedEntry, isFailed, type ParsedEntry, parseBundle } from './bundle-entry';
import { asFhirError, errorAtEntry } from './bundle-outcome';
import { type ExecutorDeps, executeEntries } from './entry-executor';
import { failedEntry, type ReturnPreference } from './entry-response';

export interface BundleProcessOptions {
  /** `Prefer: return=` for the written resources; representation when not said. */
  prefer?: ReturnPreference;
}

/**
 * Transaction and batch Bundles (POST to the FHIR base). A transaction runs every entry in one database
 * transaction and either all of it is stored or none; a batch runs each entry in a transaction of its own.
 */
export function createBundleService(deps: ExecutorDeps): BundleService {
  return {
    async process(ctx: FhirContext, body: unknown, baseUrl: string, options: BundleProcessOptions = {}) {
      const parsed = parseBundle(body, baseUrl);
      const responseOptions = { baseUrl, prefer: options.prefer ?? 'representation' };
      if (parsed.kind === 'transaction') {
        const firstFailure = parsed.entries.find(isFailed);
        if (firstFailure) throw firstFailure.error;
        const entries = parsed.entries as ParsedEntry[];
        let responses: Map<number, BundleEntry>;
        try {
          responses = await deps.repository.inTransaction(ctx, (tx) =>
            executeEntries(deps, { ...ctx, tx }, entries, responseOptions),
          );
        } catch (error) {
          // A deadlock or serialisation failure (even at COMMIT) is a conflict the client may retry.
          throw asFhirError(error);
        }
        return responseBundle('transaction-response', entries.length, responses);
      }
      const responses = new Map<number, BundleEntry>();
      for (const entry of parsed.entries) {
        responses.set(entry.index, await runBatchEntry(deps, ctx, entry, responseOptions));
      }
      return responseBundle('batch-response', parsed.entries.length, responses);
    },
  };
}

/** One batch entry in a transaction of its own: its failure is its answer and touches no other entry. */
async function runBatchEntry(
  deps: ExecutorDeps,
  ctx: FhirContext,
  entry: ParsedEntry | FailedEntry,
  options: { baseUrl: string; prefer: ReturnPreference },
): Promise<BundleEntry> {
  if (isFailed(entry)) return failedEntry(entry.error);
  try {
    const responses = await deps.repository.inTransaction(ctx, (tx) =>
      executeEntries(deps, { ...ctx, tx }, [entry], options),
    );
    return responses.get(entry.index)!;
  } catch (error) {
    try {
      return failedEntry(errorAtEntry(asFhirError(error), entry.index, entry.target.type));
    } catch {
      // A server fault in one entry is reported for that entry; the others still run.
      return {
        response: {
          status: '500 Internal Server Error',
          outcome: {
            resourceType: 'OperationOutcome',
            issue: [
              {
                severity: 'error',
                code: 'exception',
                diagnostics: 'An unexpected error occurred while processing this entry',
                expression: [`Bundle.entry[${entry.index}]`],
              },
            ],
          },
        },
      };
    }
  }
}

function responseBundle(
  type: 'transaction-response' | 'batch-response',
  count: number,
  responses: Map<number, BundleEntry>,
): Bundle {
  const entry: BundleEntry[] = [];
  for (let index = 0; index < count; index++) entry.push(responses.get(index) ?? { response: { status: '200 OK' } });
  return { resourceType: 'Bundle', type, timestamp: new Date().toISOString(), entry };
}
