import type { Coding } from '@medplum/fhirtypes';
import { SYSTEMS } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';

/**
 * What the clinical lists ask of a terminology service: is this code in that system (and its display).
 * `undefined` means the service does not know the system, so only the code's shape is checked.
 */
export type CodeValidator = (
  system: string,
  code: string,
) => Promise<{ valid: boolean; display?: string | undefined; message?: string | undefined } | undefined>;

/** The part of the terminology module's service the lists use (named by shape, not imported). */
export interface TerminologyLike {
  system(system: string): Promise<unknown>;
  validateCode(system: string, code: string): Promise<{ result: boolean; display?: string; message?: string }>;
}

/**
 * A validator over the terminology service: systems it has loaded are checked code by code; others
 * (SNOMED CT, RxNorm, CPT, ...) by shape only. It reads outside any transaction, so call it before one.
 */
export function terminologyValidator(terminology: TerminologyLike): CodeValidator {
  return async (system, code) => {
    if (!(await terminology.system(system))) return undefined;
    const answer = await terminology.validateCode(system, code);
    return { valid: answer.result, display: answer.display, message: answer.message };
  };
}

/** The shape of codes of the systems Meridian writes, for systems no terminology service answers for. */
const SHAPES: Record<string, { pattern: RegExp; example: string }> = {
  // Letter, two characters, then optionally a dot and up to four more (e.g. E11.9, S52.521A, U07.1).
  [SYSTEMS.icd10cm]: { pattern: /^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/, example: 'E11.9' },
  [SYSTEMS.snomed]: { pattern: /^[1-9][0-9]{5,17}$/, example: '38341003' },
  [SYSTEMS.cvx]: { pattern: /^[0-9]{1,3}$/, example: '208' },
  [SYSTEMS.rxnorm]: { pattern: /^[0-9]{1,10}$/, example: '7980' },
  [SYSTEMS.unii]: { pattern: /^[0-9A-Z]{10}$/, example: 'Q42T66VG0C' },
  [SYSTEMS.cpt]: { pattern: /^[0-9]{4}[0-9FTU]$/, example: '29881' },
  [SYSTEMS.hcpcs]: { pattern: /^[A-V][0-9]{4}$/, example: 'J1100' },
  [SYSTEMS.loinc]: { pattern: /^[0-9]{1,7}-[0-9]$/, example: '8867-4' },
};

/** ICD-10-CM codes are written with a dot after the category; `E119` and `e11.9` become `E11.9`. */
export function normaliseCode(system: string, code: string): string {
  if (system !== SYSTEMS.icd10cm) return code.trim();
  const upper = code.trim().toUpperCase();
  return !upper.includes('.') && upper.length > 3 ? `${upper.slice(0, 3)}.${upper.slice(3)}` : upper;
}

/**
 * Checks codings before anything is written: the shape for systems Meridian knows, then the terminology
 * service when one is wired and knows the system (an unknown code answers 422 naming the field).
 */
export class CodeChecker {
  constructor(private readonly validate?: CodeValidator) {}

  async check(coding: Coding, path: string, allowed?: readonly string[]): Promise<Coding> {
    const system = coding.system;
    if (!system || !coding.code) return coding;
    if (allowed && !allowed.includes(system)) {
      throw clinicalListErrors.invalidRequest(`${path}.system: must be one of ${allowed.join(', ')}`, `${path}.system`);
    }
    const code = normaliseCode(system, coding.code);
    const shape = SHAPES[system];
    if (shape && !shape.pattern.test(code)) {
      throw clinicalListErrors.unknownCode(path, system, code, `not a well-formed code (e.g. ${shape.example})`);
    }
    const answer = this.validate ? await this.validate(system, code) : undefined;
    if (answer && !answer.valid) {
      throw clinicalListErrors.unknownCode(path, system, code, 'not in the code system', answer.message);
    }
    const display = coding.display ?? answer?.display;
    return { system, code, ...(display ? { display } : {}) };
  }
}
