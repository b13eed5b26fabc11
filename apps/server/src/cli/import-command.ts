import type { Command } from 'commander';

/** `meridian import`: loads FHIR Bundles and NDJSON files (implemented in the import module). */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import FHIR Bundles (.json) and NDJSON files (.ndjson) from a file or folder')
    .argument('<path>', 'a file or a folder')
    .option('--json', 'print the report as JSON')
    .action(async () => {
      throw new Error('Import is not available yet');
    });
}
