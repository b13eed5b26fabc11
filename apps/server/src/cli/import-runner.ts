import { statSync } from 'node:fs';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import {
  type EntrySource,
  type ImportUnit,
  jsonUnit,
  listImportFiles,
  ndjsonUnits,
  type Rejection,
} from './import-sources';
import type { CliResponse, ServerConnection } from './server-connection';

export interface ImportReport {
  files: number;
  /** Resources stored (created, updated or already identical), by type. */
  byType: Record<string, number>;
  imported: number;
  created: number;
  /** Updated, or already stored exactly as imported. */
  updated: number;
  rejected: Rejection[];
  /** Resources not stored because the transaction Bundle holding them was refused. */
  notImportedWithBundle: number;
  seconds: number;
}

export interface ImportProgress {
  bytesDone: number;
  bytesTotal: number;
  imported: number;
  rejected: number;
}

export interface ImportOptions {
  batchSize: number;
  onProgress?: (progress: ImportProgress) => void;
}

const FHIR_BASE = '/fhir/R4';

/**
 * Imports every file under `path` through the FHIR API of the connection (a running server over HTTP,
 * or the app built in this process): Bundles are POSTed to the FHIR base, so the server's validation,
 * transactions and reference handling apply exactly as for any client.
 */
export async function runImport(
  connection: ServerConnection,
  path: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = Date.now();
  const files = listImportFiles(path);
  const report: ImportReport = {
    files: files.length,
    byType: {},
    imported: 0,
    created: 0,
    updated: 0,
    rejected: [],
    notImportedWithBundle: 0,
    seconds: 0,
  };
  const progress: ImportProgress = {
    bytesDone: 0,
    bytesTotal: files.reduce((sum, file) => sum + statSync(file).size, 0),
    imported: 0,
    rejected: 0,
  };
  const tell = () => {
    progress.imported = report.imported;
    progress.rejected = report.rejected.length;
    options.onProgress?.(progress);
  };
  tell();
  for (const file of files) {
    const units = /\.ndjson$/i.test(file) ? ndjsonUnits(file, options.batchSize) : single(jsonUnit(file));
    for await (const unit of units) {
      report.rejected.push(...unit.rejected);
      if (unit.sources.length) await sendUnit(connection, unit, report);
      progress.bytesDone += unit.bytes;
      tell();
    }
  }
  // Client-side and server-side rejections of one file come in separately: report them in file order.
  const order = new Map(files.map((file, index) => [file, index]));
  const position = (rejection: Rejection) => rejection.line ?? rejection.entry ?? -1;
  report.rejected.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || position(a) - position(b));
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  return report;
}

async function* single(unit: ImportUnit): AsyncGenerator<ImportUnit> {
  yield unit;
}

async function post(connection: ServerConnection, bundle: Bundle): Promise<CliResponse> {
  return connection.request('POST', FHIR_BASE, JSON.stringify(bundle), {
    'content-type': 'application/fhir+json',
    prefer: 'return=minimal',
  });
}

async function sendUnit(connection: ServerConnection, unit: ImportUnit, report: ImportReport): Promise<void> {
  const res = await post(connection, unit.bundle);
  const answer = parseJson(res.body);
  if (res.status === 200 && isResponseBundle(answer)) {
    record(unit, answer, report);
    return;
  }
  if (unit.bundle.type === 'transaction' && unit.onFailure === 'retry-as-batch') {
    const retry = await post(connection, { ...unit.bundle, type: 'batch' });
    const retryAnswer = parseJson(retry.body);
    if (retry.status === 200 && isResponseBundle(retryAnswer)) {
      record(unit, retryAnswer, report);
      return;
    }
    rejectAll(unit, retry.status, outcomeOf(retryAnswer, retry.body), report);
    return;
  }
  if (unit.bundle.type === 'transaction') {
    const outcome = outcomeOf(answer, res.body);
    const failed = failedEntryIndex(outcome);
    const source = failed !== undefined ? unit.sources[failed] : undefined;
    report.rejected.push({
      ...(source ?? { file: unit.file }),
      ...(failed !== undefined && !source ? { entry: failed } : {}),
      status: res.status,
      ...describeOutcome(outcome, source),
      bundleEntries: unit.sources.length,
    });
    report.notImportedWithBundle += unit.sources.length;
    return;
  }
  rejectAll(unit, res.status, outcomeOf(answer, res.body), report);
}

/** Counts what was stored and reports each refused entry with its source and reason. */
function record(unit: ImportUnit, answer: Bundle, report: ImportReport): void {
  const responses = answer.entry ?? [];
  unit.sources.forEach((source, index) => {
    const sent = unit.bundle.entry?.[index];
    const response = responses[index]?.response;
    const status = Number.parseInt(response?.status ?? '', 10);
    if (status >= 200 && status < 300) {
      const method = sent?.request?.method;
      if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return;
      const type =
        response?.location?.split('/')[0] || source.resourceType || sent?.resource?.resourceType || 'unknown';
      report.byType[type] = (report.byType[type] ?? 0) + 1;
      report.imported++;
      if (status === 201) report.created++;
      else report.updated++;
      return;
    }
    report.rejected.push({
      ...source,
      status: Number.isNaN(status) ? 0 : status,
      ...describeOutcome(response?.outcome as OperationOutcome | undefined, source),
    });
  });
}

function rejectAll(unit: ImportUnit, status: number, outcome: OperationOutcome | undefined, report: ImportReport) {
  for (const source of unit.sources) report.rejected.push({ ...source, status, ...describeOutcome(outcome, source) });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isResponseBundle(value: unknown): value is Bundle {
  const bundle = value as Bundle | undefined;
  return (
    bundle?.resourceType === 'Bundle' && (bundle.type === 'transaction-response' || bundle.type === 'batch-response')
  );
}

function outcomeOf(value: unknown, raw: string): OperationOutcome {
  const outcome = value as OperationOutcome | undefined;
  if (outcome?.resourceType === 'OperationOutcome') return outcome;
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'exception', diagnostics: raw.slice(0, 300) || 'No answer from the server' }],
  };
}

/** The entry a refused transaction names in its OperationOutcome (`Bundle.entry[3]...`). */
function failedEntryIndex(outcome: OperationOutcome): number | undefined {
  for (const found of outcome.issue ?? []) {
    for (const expression of found.expression ?? []) {
      const match = /^Bundle\.entry\[(\d+)\]/.exec(expression);
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}

/**
 * Diagnostics and paths of the errors. Paths are given as the file knows them: inside the Bundle file
 * (`Bundle.entry[3].resource.birthDate`), or, for NDJSON lines and single resources, inside the resource
 * (`Patient.birthDate`); the server's paths point into the Bundle the import built.
 */
function describeOutcome(
  outcome: OperationOutcome | undefined,
  source?: EntrySource,
): { diagnostics: string; expression?: string[] } {
  const errors = (outcome?.issue ?? []).filter((found) => found.severity === 'error' || found.severity === 'fatal');
  const issues = errors.length ? errors : (outcome?.issue ?? []);
  const diagnostics = issues.map((found) => found.diagnostics ?? found.code).join('; ') || 'Refused without a reason';
  const expression = issues
    .flatMap((found) => found.expression ?? [])
    .map((path) => relocate(path, source))
    .filter((path): path is string => Boolean(path));
  return { diagnostics, ...(expression.length ? { expression } : {}) };
}

function relocate(path: string, source: EntrySource | undefined): string | undefined {
  const match = /^Bundle\.entry\[\d+\](\.resource)?(.*)$/.exec(path);
  if (!match || !source) return path;
  const [, inResource, rest] = match;
  if (source.entry !== undefined) return `Bundle.entry[${source.entry}]${inResource ?? ''}${rest}`;
  if (!inResource) return undefined;
  return `${source.resourceType ?? 'Resource'}${rest}`;
}
