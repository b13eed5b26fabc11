import type { Concept } from './terminology.store';

/**
 * Readers for the files code systems are published in. Each returns concepts and, when the file says
 * it, the release's version. They never guess at content: a line they cannot read is reported with its
 * number, and a file with none they can read is refused.
 */
export type ReleaseFormat = 'icd10cm-order' | 'icd10cm-codes' | 'cvx' | 'loinc-csv' | 'tsv';

export const RELEASE_FORMATS: readonly ReleaseFormat[] = ['icd10cm-order', 'icd10cm-codes', 'cvx', 'loinc-csv', 'tsv'];

export interface ParsedRelease {
  format: ReleaseFormat;
  concepts: Concept[];
  version?: string;
  /** Lines skipped as unreadable (their numbers, at most 20 kept). */
  skipped: number[];
}

export class ReleaseFormatError extends Error {}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

/** ICD-10-CM codes come without the dot in CMS files (E119); FHIR writes them with it (E11.9). */
export function icdWithDot(code: string): string {
  const bare = code.replace('.', '').toUpperCase();
  return bare.length > 3 ? `${bare.slice(0, 3)}.${bare.slice(3)}` : bare;
}

/**
 * Each ICD-10-CM code's parent: the longest shorter code in the release that it starts with
 * (S52.521A → S52.521 → S52.52 → S52.5 → S52), skipping placeholder levels the release lacks.
 */
export function withIcdParents(concepts: Concept[]): Concept[] {
  const codes = new Set(concepts.map((concept) => concept.code));
  return concepts.map((concept) => {
    const bare = concept.code.replace('.', '');
    for (let length = bare.length - 1; length >= 3; length--) {
      const candidate = icdWithDot(bare.slice(0, length));
      if (codes.has(candidate)) return { ...concept, parent: candidate };
    }
    const { parent: _none, ...rest } = concept;
    return rest;
  });
}

function recordSkip(skipped: number[], line: number): void {
  if (skipped.length < 20) skipped.push(line);
}

function dedupe(concepts: Concept[]): Concept[] {
  const seen = new Map<string, Concept>();
  for (const concept of concepts) seen.set(concept.code, concept);
  return [...seen.values()];
}

/**
 * CMS/NCHS `icd10cm-order-YYYY.txt` (fixed width): order number (5), code (7), header flag (1: 0 = a
 * header, not valid for submission; 1 = a valid code), short description (60), long description.
 */
function parseIcdOrder(text: string): ParsedRelease {
  const skipped: number[] = [];
  const concepts: Concept[] = [];
  for (const [index, line] of lines(text).entries()) {
    if (!line.trim()) continue;
    const match = /^\d{5} ([A-Z][0-9A-Z]{2,6})\s+([01]) (.*)$/.exec(line);
    if (!match) {
      recordSkip(skipped, index + 1);
      continue;
    }
    const rest = match[3]!;
    const long = rest.length > 61 ? rest.slice(61).trim() : rest.trim();
    const short = rest.slice(0, 60).trim();
    concepts.push({
      code: icdWithDot(match[1]!),
      display: long || short,
      abstract: match[2] === '0',
      inactive: false,
      properties: short && short !== long ? { shortDisplay: short } : {},
    });
  }
  return { format: 'icd10cm-order', concepts: withIcdParents(dedupe(concepts)), skipped };
}

/** CMS/NCHS `icd10cm-codes-YYYY.txt`: the valid codes only, code then spaces then description. */
function parseIcdCodes(text: string): ParsedRelease {
  const skipped: number[] = [];
  const concepts: Concept[] = [];
  for (const [index, line] of lines(text).entries()) {
    if (!line.trim()) continue;
    const match = /^([A-Z][0-9A-Z]{2,6})\s+(\S.*?)\s*$/.exec(line);
    if (!match) {
      recordSkip(skipped, index + 1);
      continue;
    }
    concepts.push({
      code: icdWithDot(match[1]!),
      display: match[2]!,
      abstract: false,
      inactive: false,
      properties: {},
    });
  }
  return { format: 'icd10cm-codes', concepts: withIcdParents(dedupe(concepts)), skipped };
}

/**
 * CDC's `cvx.txt` (pipe-delimited, also seen tab-delimited): CVX code | short description | full vaccine
 * name | note | status | internal id | non-vaccine | last updated.
 */
function parseCvx(text: string): ParsedRelease {
  const skipped: number[] = [];
  const concepts: Concept[] = [];
  let latest: string | undefined;
  for (const [index, line] of lines(text).entries()) {
    if (!line.trim()) continue;
    const fields = (line.includes('|') ? line.split('|') : line.split('\t')).map((field) => field.trim());
    const [code, short, full, note, status, , nonVaccine, updated] = fields;
    if (!code || !/^\d{1,4}$/.test(code) || !short) {
      // The header line ("CVX Code|...") is expected; anything else unreadable is counted.
      if (index > 0 || /^\d/.test(code ?? '')) recordSkip(skipped, index + 1);
      continue;
    }
    const inactive = /^(inactive|never active)$/i.test(status ?? '');
    // CDC publishes no release number: the newest 'last updated' date names the table's state.
    const date = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(updated ?? '');
    if (date) {
      const iso = `${date[1]}-${date[2]!.padStart(2, '0')}-${date[3]!.padStart(2, '0')}`;
      if (!latest || iso > latest) latest = iso;
    }
    concepts.push({
      code,
      display: short,
      abstract: false,
      inactive,
      properties: {
        ...(full ? { definition: full } : {}),
        ...(status ? { status } : {}),
        ...(note ? { note } : {}),
        ...(/^true$/i.test(nonVaccine ?? '') ? { nonVaccine: true } : {}),
      },
    });
  }
  return { format: 'cvx', concepts: dedupe(concepts), skipped, ...(latest ? { version: latest } : {}) };
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((cells) => cells.length > 1 || cells[0]);
}

/** LOINC's `Loinc.csv` or `LoincTableCore.csv`: columns found by name (LOINC_NUM, LONG_COMMON_NAME, STATUS). */
function parseLoinc(text: string): ParsedRelease {
  const rows = parseCsv(text);
  const header = rows[0]?.map((name) => name.trim().toUpperCase()) ?? [];
  const column = (name: string) => header.indexOf(name);
  const [num, longName, shortName, status, loincClass] = [
    column('LOINC_NUM'),
    column('LONG_COMMON_NAME'),
    column('SHORTNAME'),
    column('STATUS'),
    column('CLASS'),
  ];
  if (num < 0 || (longName < 0 && shortName < 0)) {
    throw new ReleaseFormatError('A LOINC table needs the columns LOINC_NUM and LONG_COMMON_NAME (or SHORTNAME)');
  }
  const skipped: number[] = [];
  const concepts: Concept[] = [];
  for (const [index, cells] of rows.slice(1).entries()) {
    const code = cells[num]?.trim();
    const display = (longName >= 0 ? cells[longName]?.trim() : '') || (shortName >= 0 ? cells[shortName]?.trim() : '');
    if (!code || !/^\d{1,7}-\d$/.test(code) || !display) {
      recordSkip(skipped, index + 2);
      continue;
    }
    const state = status >= 0 ? cells[status]?.trim() : undefined;
    concepts.push({
      code,
      display,
      abstract: false,
      inactive: state === 'DEPRECATED',
      properties: {
        ...(state ? { status: state } : {}),
        ...(loincClass >= 0 && cells[loincClass] ? { class: cells[loincClass]!.trim() } : {}),
      },
    });
  }
  return { format: 'loinc-csv', concepts: dedupe(concepts), skipped };
}

/**
 * Meridian's own tab-separated form, for any code system: `code<TAB>display[<TAB>parent[<TAB>flags[<TAB>groups]]]`
 * with flags `abstract`, `inactive` (comma-separated) and Meridian groupings (comma-separated).
 * `# version: X` on a comment line names the release; other `#` lines are comments.
 */
function parseTsv(text: string): ParsedRelease {
  const skipped: number[] = [];
  const concepts: Concept[] = [];
  let version: string | undefined;
  for (const [index, line] of lines(text).entries()) {
    if (!line.trim()) continue;
    if (line.startsWith('#')) {
      const declared = /^#\s*version:\s*(\S.*?)\s*$/i.exec(line);
      if (declared) version = declared[1];
      continue;
    }
    const [code, display, parent, flags, groups] = line.split('\t').map((field) => field.trim());
    if (!code || !display) {
      recordSkip(skipped, index + 1);
      continue;
    }
    const flagList = (flags ?? '').split(',').map((flag) => flag.trim());
    const groupList = (groups ?? '')
      .split(',')
      .map((group) => group.trim())
      .filter(Boolean);
    concepts.push({
      code,
      display,
      ...(parent ? { parent } : {}),
      abstract: flagList.includes('abstract'),
      inactive: flagList.includes('inactive'),
      properties: groupList.length ? { groups: groupList } : {},
    });
  }
  return { format: 'tsv', concepts: dedupe(concepts), skipped, ...(version ? { version } : {}) };
}

/** Which format a file is in, from its first lines. */
export function detectFormat(text: string): ReleaseFormat | undefined {
  const first = lines(text.slice(0, 4096)).filter((line) => line.trim() && !line.startsWith('#'));
  const head = first[0] ?? '';
  if (/^\d{5} [A-Z][0-9A-Z]{2,6}\s+[01] /.test(head)) return 'icd10cm-order';
  if (/LOINC_NUM/i.test(head)) return 'loinc-csv';
  if (/^CVX/i.test(head) || /^\d{1,4}\s*\|/.test(head)) return 'cvx';
  if (head.includes('\t')) return 'tsv';
  if (/^[A-Z][0-9A-Z]{2,6}\s+\S/.test(head)) return 'icd10cm-codes';
  return undefined;
}

export function parseRelease(text: string, format: ReleaseFormat | undefined = detectFormat(text)): ParsedRelease {
  if (!format) {
    throw new ReleaseFormatError(
      `Could not tell the file's format; name it with --format (${RELEASE_FORMATS.join(', ')})`,
    );
  }
  const parsed = {
    'icd10cm-order': parseIcdOrder,
    'icd10cm-codes': parseIcdCodes,
    cvx: parseCvx,
    'loinc-csv': parseLoinc,
    tsv: parseTsv,
  }[format](text);
  if (!parsed.concepts.length) {
    throw new ReleaseFormatError(`No concepts could be read from the file as ${format}`);
  }
  return parsed;
}
