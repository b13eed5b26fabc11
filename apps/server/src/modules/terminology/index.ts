export { registerTerminologyModule, type TerminologyModuleOptions } from './terminology.module';
export { parseRelease, RELEASE_FORMATS, type ReleaseFormat, ReleaseFormatError } from './terminology.parsers';
export { seedTerminology, shippedReleases } from './terminology.seed';
export {
  type Expansion,
  type ImportReport,
  type LookupResult,
  type TerminologyReadOptions,
  TerminologyService,
  type ValidateCodeResult,
} from './terminology.service';
export type { CodeSystemInfo, Concept } from './terminology.store';
export { CVX, ICD_10_CM, KNOWN_CODE_SYSTEMS, LOINC, resolveSystem, UCUM } from './terminology.systems';
export { MERIDIAN_VALUE_SETS, type ValueSetDefinition } from './terminology.value-sets';
