import type { Queryable } from '../../platform/db';

/** A code system as stored: one release of it, shipped or imported. */
export interface CodeSystemInfo {
  url: string;
  name: string;
  title: string;
  version: string;
  source: 'shipped' | 'imported';
  hierarchical: boolean;
  conceptCount: number;
  loadedAt: string;
}

export interface ConceptProperties {
  /** Meridian's groupings ('vital-signs', 'cbc', 'lab-panel', ...), used by Meridian's value sets. */
  groups?: string[];
  /** A longer description than the display (LOINC long name, CVX full vaccine name). */
  definition?: string;
  /** The release's own status text (LOINC STATUS, CVX VaccineStatus). */
  status?: string;
  [key: string]: unknown;
}

export interface Concept {
  code: string;
  display: string;
  parent?: string;
  abstract: boolean;
  inactive: boolean;
  properties: ConceptProperties;
}

export interface CodeSystemRelease {
  url: string;
  name: string;
  title: string;
  version: string;
  source: 'shipped' | 'imported';
  hierarchical: boolean;
  concepts: Concept[];
}

/** What restricts an expansion beyond the code system: from a value set definition. */
export interface ConceptConstraint {
  /** Leave out abstract concepts (categories that are not meant to be recorded). */
  selectableOnly?: boolean;
  /** Leave out inactive concepts. */
  activeOnly?: boolean;
  /** Only concepts in this Meridian grouping. */
  group?: string;
  /** Only these codes. */
  codes?: string[];
  /** Only this concept and its descendants. */
  isA?: string;
}

export interface ConceptQuery extends ConceptConstraint {
  system: string;
  /** What was typed: a code prefix, or word prefixes of the display. */
  text?: string;
  offset: number;
  count: number;
  /** Whether to count every match (costs a second query). */
  withTotal: boolean;
  /** The code system's concept count, which is the total when nothing narrows it. */
  systemSize?: number;
}

interface SystemRow {
  url: string;
  name: string;
  title: string;
  version: string;
  source: 'shipped' | 'imported';
  hierarchical: boolean;
  concept_count: number;
  loaded_at: string | Date;
}

interface ConceptRow {
  code: string;
  display: string;
  parent: string | null;
  abstract: boolean;
  inactive: boolean;
  properties: ConceptProperties | string;
}

const SYSTEM_COLUMNS = 'url, name, title, version, source, hierarchical, concept_count, loaded_at';
const CONCEPT_COLUMNS = 'code, display, parent, abstract, inactive, properties';
/** Must match the expression of the terminology_concept_words index exactly, or the index is not used. */
const WORDS = `to_tsvector('simple', regexp_replace(display, '[^[:alnum:]]+', ' ', 'g'))`;

function systemOf(row: SystemRow): CodeSystemInfo {
  return {
    url: row.url,
    name: row.name,
    title: row.title,
    version: row.version,
    source: row.source,
    hierarchical: row.hierarchical,
    conceptCount: Number(row.concept_count),
    loadedAt: row.loaded_at instanceof Date ? row.loaded_at.toISOString() : new Date(row.loaded_at).toISOString(),
  };
}

function conceptOf(row: ConceptRow): Concept {
  return {
    code: row.code,
    display: row.display,
    ...(row.parent ? { parent: row.parent } : {}),
    abstract: row.abstract,
    inactive: row.inactive,
    properties: typeof row.properties === 'string' ? JSON.parse(row.properties) : (row.properties ?? {}),
  };
}

/** Words of what was typed, as a prefix query for every word: 'diab mell' → 'diab:* & mell:*'. */
export function wordQuery(text: string): string | undefined {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((word) => `${word}:*`).join(' & ') : undefined;
}

function likePrefix(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const terminologyStore = {
  async listSystems(db: Queryable): Promise<CodeSystemInfo[]> {
    const { rows } = await db.query<SystemRow>(`SELECT ${SYSTEM_COLUMNS} FROM terminology_code_system ORDER BY url`);
    return rows.map(systemOf);
  },

  async getSystem(db: Queryable, url: string): Promise<CodeSystemInfo | undefined> {
    const { rows } = await db.query<SystemRow>(`SELECT ${SYSTEM_COLUMNS} FROM terminology_code_system WHERE url = $1`, [
      url,
    ]);
    return rows[0] ? systemOf(rows[0]) : undefined;
  },

  async getConcept(db: Queryable, system: string, code: string): Promise<Concept | undefined> {
    const { rows } = await db.query<ConceptRow>(
      `SELECT ${CONCEPT_COLUMNS} FROM terminology_concept WHERE system = $1 AND code = $2`,
      [system, code],
    );
    return rows[0] ? conceptOf(rows[0]) : undefined;
  },

  async children(db: Queryable, system: string, code: string, limit: number): Promise<Concept[]> {
    const { rows } = await db.query<ConceptRow>(
      `SELECT ${CONCEPT_COLUMNS} FROM terminology_concept WHERE system = $1 AND parent = $2 ORDER BY code LIMIT $3`,
      [system, code, limit],
    );
    return rows.map(conceptOf);
  },

  /** Concepts matching a query, in the order a type-ahead wants them, with the total when asked. */
  async find(db: Queryable, query: ConceptQuery): Promise<{ total?: number; concepts: Concept[] }> {
    const params: unknown[] = [query.system];
    const where = ['system = $1'];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.selectableOnly) where.push('NOT abstract');
    if (query.activeOnly) where.push('NOT inactive');
    if (query.group) where.push(`properties->'groups' @> jsonb_build_array(${param(query.group)}::text)`);
    if (query.codes) where.push(`code = ANY(${param(query.codes)}::text[])`);
    if (query.isA) {
      where.push(
        `code IN (WITH RECURSIVE below(code) AS (
           SELECT code FROM terminology_concept WHERE system = $1 AND code = ${param(query.isA)}
           UNION SELECT c.code FROM terminology_concept c JOIN below b ON c.system = $1 AND c.parent = b.code
         ) SELECT code FROM below)`,
      );
    }
    const constraint = where.join(' AND ');
    let source = `terminology_concept WHERE ${constraint}`;
    let order = 'code';
    const text = query.text?.trim();
    if (text) {
      const words = wordQuery(text);
      const prefix = param(likePrefix(text));
      // Codes starting with the text, and (apart from those) displays with words starting with its words.
      // Two branches rather than an OR: with an OR, PostgreSQL re-evaluates the display's words for every
      // match, which takes seconds when a word is in half the concepts. Ranked by branch then length, so
      // ordering does no string work per match: codes first, shortest (the exact code) first; then
      // displays, shortest (the most general concept) first.
      const codes = `SELECT *, 0 AS rank, length(code) AS weight FROM terminology_concept
                     WHERE ${constraint} AND lower(code) LIKE ${prefix}`;
      source = words
        ? `(${codes}
            UNION ALL
            SELECT *, 1 AS rank, length(display) AS weight FROM terminology_concept
            WHERE ${constraint} AND NOT lower(code) LIKE ${prefix}
              AND ${WORDS} @@ to_tsquery('simple', ${param(words)})) AS matched`
        : `(${codes}) AS matched`;
      order = 'rank, weight, code';
    }
    const pageParams = [...params, query.count, query.offset];
    const page = await db.query<ConceptRow>(
      `SELECT ${CONCEPT_COLUMNS} FROM ${source}
       ORDER BY ${order} LIMIT $${pageParams.length - 1} OFFSET $${pageParams.length}`,
      pageParams,
    );
    const concepts = page.rows.map(conceptOf);
    if (!query.withTotal) return { concepts };
    // The first page tells the total when it is not full: no second query.
    if (concepts.length < query.count && (query.offset === 0 || concepts.length > 0)) {
      return { total: query.offset + concepts.length, concepts };
    }
    // The whole code system: its size is kept with it.
    if (!text && where.length === 1 && query.systemSize !== undefined) return { total: query.systemSize, concepts };
    const counted = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${source}`, params);
    return { total: Number(counted.rows[0]?.n ?? 0), concepts };
  },

  /**
   * Replaces a code system's release with another, concepts and all, in ONE statement: atomic on PGlite
   * (one connection, no transaction of its own as the owner) and PostgreSQL alike, so readers see the old
   * release or the new one, never a mix. Codes of the new release are upserted; codes it no longer has
   * are deleted (disjoint rows, so the two never meet on a key).
   */
  async replaceRelease(db: Queryable, release: CodeSystemRelease): Promise<void> {
    const concepts = release.concepts;
    await db.query(
      `WITH system_row AS (
         INSERT INTO terminology_code_system (url, name, title, version, source, hierarchical, concept_count, loaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())
         ON CONFLICT (url) DO UPDATE SET name = EXCLUDED.name, title = EXCLUDED.title, version = EXCLUDED.version,
           source = EXCLUDED.source, hierarchical = EXCLUDED.hierarchical, concept_count = EXCLUDED.concept_count,
           loaded_at = EXCLUDED.loaded_at
         RETURNING url
       ),
       gone AS (
         DELETE FROM terminology_concept WHERE system = $1 AND NOT (code = ANY($8::text[])) RETURNING code
       )
       INSERT INTO terminology_concept (system, code, display, parent, abstract, inactive, properties)
       SELECT (SELECT url FROM system_row), code, display, parent, abstract, inactive, properties::jsonb
       FROM unnest($8::text[], $9::text[], $10::text[], $11::boolean[], $12::boolean[], $13::text[])
         AS c(code, display, parent, abstract, inactive, properties)
       ON CONFLICT (system, code) DO UPDATE SET display = EXCLUDED.display, parent = EXCLUDED.parent,
         abstract = EXCLUDED.abstract, inactive = EXCLUDED.inactive, properties = EXCLUDED.properties`,
      [
        release.url,
        release.name,
        release.title,
        release.version,
        release.source,
        release.hierarchical,
        concepts.length,
        concepts.map((concept) => concept.code),
        concepts.map((concept) => concept.display),
        concepts.map((concept) => concept.parent ?? null),
        concepts.map((concept) => concept.abstract),
        concepts.map((concept) => concept.inactive),
        concepts.map((concept) => JSON.stringify(concept.properties ?? {})),
      ],
    );
  },
};
