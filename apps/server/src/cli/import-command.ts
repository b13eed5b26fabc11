import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config';
import { forTenant } from './import-auth';
import { type ImportReport, runImport } from './import-runner';
import type { Rejection } from './import-sources';
import { connectToServer } from './server-connection';

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  }
  return parsed;
}

/** `meridian import`: loads FHIR Bundles and NDJSON files through the FHIR API. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import FHIR Bundles (.json: transaction, batch, collection or a single resource) and NDJSON files ' +
        '(.ndjson, one resource per line) from a file or folder. Resources that carry an id keep it, so ' +
        'importing the same files again changes nothing. A transaction Bundle is stored whole or not at all. ' +
        'The exit code is 1 when anything was rejected.',
    )
    .argument('<path>', 'a file or a folder (read recursively)')
    .option('--json', 'print the report as JSON')
    .option('--batch-size <n>', 'NDJSON lines sent per request', positiveInteger, 500)
    .action(async (path: string, options: { json?: boolean; batchSize: number }) => {
      if (!existsSync(path)) {
        console.error(`No such file or folder: ${path}`);
        process.exitCode = 2;
        return;
      }
      // The first-start admin password belongs to whoever starts the server, not in an import's output.
      const config = { ...loadConfig(), bootstrapAdmin: false };
      const connection = forTenant(await connectToServer(config), config.defaultTenant);
      const bar = process.stderr.isTTY
        ? new SingleBar(
            {
              stream: process.stderr,
              format: 'Importing [{bar}] {percentage}% | {imported} stored, {rejected} rejected | {duration}s',
              hideCursor: true,
            },
            undefined,
          )
        : undefined;
      let report: ImportReport;
      try {
        bar?.start(1, 0, { imported: 0, rejected: 0 });
        report = await runImport(connection, path, {
          batchSize: options.batchSize,
          onProgress: (progress) => {
            bar?.setTotal(Math.max(progress.bytesTotal, 1));
            bar?.update(progress.bytesDone, { imported: progress.imported, rejected: progress.rejected });
          },
        });
      } finally {
        bar?.stop();
        await connection.close();
      }
      if (options.json) {
        console.log(JSON.stringify({ mode: connection.mode, ...report }));
      } else {
        printReport(report, connection.mode);
      }
      // Scripts can tell a partial import from a complete one.
      if (report.rejected.length) process.exitCode = 1;
    });
}

/** A terminal shows the first rejections; --json carries every one. */
const SHOWN_REJECTIONS = 50;

function where(rejection: Rejection): string {
  const position =
    rejection.line !== undefined
      ? `line ${rejection.line}`
      : rejection.entry !== undefined
        ? `entry ${rejection.entry}`
        : undefined;
  const resource = rejection.resourceType
    ? `${rejection.resourceType}${rejection.id ? `/${rejection.id}` : ''}`
    : undefined;
  return [rejection.file, position, resource].filter(Boolean).join(', ');
}

function printReport(report: ImportReport, mode: string): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(
    `Imported ${report.imported} resources from ${report.files} file(s) in ${report.seconds}s ` +
      `(${report.created} created, ${report.updated} updated or unchanged; ${mode === 'running-server' ? 'through the running server' : 'in this process'}).`,
  );
  const types = Object.entries(report.byType).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...types.map(([type]) => type.length));
  for (const [type, count] of types) out(`  ${type.padEnd(width)}  ${count}`);
  if (!report.rejected.length) return;
  out();
  out(`Rejected ${report.rejected.length}:`);
  for (const rejection of report.rejected.slice(0, SHOWN_REJECTIONS)) {
    const path = rejection.expression?.length ? ` [${rejection.expression.join(', ')}]` : '';
    const status = rejection.status ? ` (${rejection.status})` : '';
    out(`  ${where(rejection)}${status}: ${rejection.diagnostics}${path}`);
    if (rejection.bundleEntries) {
      out(`    the transaction was refused as a whole: none of its ${rejection.bundleEntries} entries were stored`);
    }
  }
  const hidden = report.rejected.length - SHOWN_REJECTIONS;
  if (hidden > 0) out(`  ... and ${hidden} more (--json lists them all)`);
}
