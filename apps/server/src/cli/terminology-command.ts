import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config';
// The readers and names only (not the module's index), so the CLI starts without the server's code.
import { parseRelease, RELEASE_FORMATS, type ReleaseFormat } from '../modules/terminology/terminology.parsers';
import type { ImportReport } from '../modules/terminology/terminology.service';
import { CVX, ICD_10_CM, LOINC, resolveSystem } from '../modules/terminology/terminology.systems';
import { connectToServer } from './server-connection';
import { adminPost } from './tenant-command';

interface ImportOptions {
  system?: string;
  file: string;
  version?: string;
  format?: string;
  json?: boolean;
}

/** The code system each official format belongs to. */
const SYSTEM_OF_FORMAT: Partial<Record<ReleaseFormat, string>> = {
  'icd10cm-order': ICD_10_CM,
  'icd10cm-codes': ICD_10_CM,
  cvx: CVX,
  'loinc-csv': LOINC,
};

/** A release's version from its file name when the file does not say: icd10cm-order-2026.txt, Loinc_2.80/... */
export function versionFromPath(path: string, system: string): string | undefined {
  if (system === ICD_10_CM) return /(20\d{2})/.exec(basename(path))?.[1];
  if (system === LOINC) return /(\d+\.\d+)/.exec(path)?.[1];
  return undefined;
}

/** Reads a release file here (the CLI's machine) and sends its concepts to the server, which loads them. */
export async function importTerminologyFile(
  options: ImportOptions,
): Promise<ImportReport & { format: string; skipped: number[] }> {
  if (options.format && !RELEASE_FORMATS.includes(options.format as ReleaseFormat)) {
    throw new Error(`--format must be one of ${RELEASE_FORMATS.join(', ')}`);
  }
  const parsed = parseRelease(readFileSync(options.file, 'utf8'), options.format as ReleaseFormat | undefined);
  const implied = SYSTEM_OF_FORMAT[parsed.format];
  const system = options.system ? resolveSystem(options.system) : implied;
  if (!system) throw new Error(`A ${parsed.format} file can hold any code system: name it with --system`);
  if (implied && system !== implied) {
    throw new Error(`The file is in the ${parsed.format} format, which is ${implied}, not ${system}`);
  }
  const version = options.version ?? parsed.version ?? versionFromPath(options.file, system);
  if (!version) throw new Error('The file does not say which release it is: give it with --version');
  const report = await adminPost<ImportReport>('terminology/import', { system, version, concepts: parsed.concepts });
  return { ...report, format: parsed.format, skipped: parsed.skipped };
}

export function registerTerminologyCommand(program: Command): void {
  const terminology = program.command('terminology').description('Code systems: list what is loaded, import releases');
  terminology
    .command('import')
    .description(
      'Load a release of a code system, replacing the loaded one: CMS icd10cm-order-YYYY.txt or icd10cm-codes-YYYY.txt, CDC cvx.txt, LOINC Loinc.csv / LoincTableCore.csv, or Meridian TSV (code, display, parent)',
    )
    .option(
      '--system <uri|alias>',
      'the code system (icd-10-cm, loinc, cvx, ucum, or a URI); implied by the official formats',
    )
    .requiredOption('--file <path>', 'the release file')
    .option('--version <version>', 'the release (default: from the file or its name)')
    .option('--format <format>', `the file's format (default: detected): ${RELEASE_FORMATS.join(', ')}`)
    .option('--json', 'print the result as JSON')
    .action(async (options: ImportOptions) => {
      const report = await importTerminologyFile(options);
      if (options.json) {
        console.log(JSON.stringify(report));
        return;
      }
      console.log(
        `Loaded ${report.concepts} concepts of ${report.system} version ${report.version} (${report.format})`,
      );
      if (report.replaced) {
        console.log(
          `Replaced version ${report.replaced.version} (${report.replaced.source}, ${report.replaced.concepts} concepts)`,
        );
      }
      if (report.skipped.length) console.log(`Skipped unreadable lines: ${report.skipped.join(', ')}`);
    });
  terminology
    .command('list')
    .description('The code systems loaded: version, source (shipped or imported), number of concepts')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const connection = await connectToServer(loadConfig());
      try {
        const res = await connection.request('GET', '/admin/local/terminology/systems');
        if (res.status !== 200) throw new Error(`Listing failed (${res.status}): ${res.body}`);
        const { systems } = res.json<{
          systems: { url: string; version: string; source: string; conceptCount: number; loadedAt: string }[];
        }>();
        if (options.json) {
          console.log(JSON.stringify(systems));
          return;
        }
        for (const system of systems) {
          console.log(
            `${system.url}  ${system.version}  ${system.source}  ${system.conceptCount} concepts  loaded ${system.loadedAt}`,
          );
        }
      } finally {
        await connection.close();
      }
    });
}
