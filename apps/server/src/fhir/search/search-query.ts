import type { TypeScope } from '../core/access';
import type { ParamDefinition } from './search-definitions';

/** The typed form of a search request: what search-parser produces and search-sql consumes. */

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
export const PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

export type SearchValue =
  | { type: 'string'; text: string }
  /** system undefined: any system; null: no system (`|code`). code undefined: any code (`system|`). */
  | { type: 'token'; system?: string | null; code?: string; text: string }
  | { type: 'reference'; targetType?: string; id?: string; url?: string }
  | { type: 'date'; prefix: Prefix; low: string; high: string }
  | { type: 'number'; prefix: Prefix; value: string; low: string; high: string }
  | { type: 'quantity'; prefix: Prefix; value: string; low: string; high: string; system?: string; unit?: string }
  | { type: 'uri'; text: string }
  | { type: 'composite'; parts: SearchValue[] };

export type Modifier =
  | 'exact'
  | 'contains'
  | 'text'
  | 'not'
  | 'above'
  | 'below'
  | 'of-type'
  | 'identifier'
  /** `subject:Patient=...`: the type is in the values. */
  | 'type';

export type Condition =
  /** One parameter: any of `values` (commas) matches. */
  | { kind: 'match'; param: ParamDefinition; modifier?: Modifier; values: SearchValue[] }
  | { kind: 'missing'; param: ParamDefinition; missing: boolean }
  | { kind: 'id'; ids: string[]; not: boolean }
  | { kind: 'lastUpdated'; values: Extract<SearchValue, { type: 'date' }>[] }
  /** `subject:Patient.name=x`: a reference whose target (of one of `targetTypes`) matches `next`. */
  | { kind: 'chain'; param: ParamDefinition; targetTypes: string[]; next: Condition }
  /** `_has:Observation:patient:code=x`: some `sourceType` resource refers here through `code` and matches `next`. */
  | { kind: 'has'; sourceType: string; referenceCode: string; next: Condition };

export interface Cursor {
  direction: 'after' | 'before';
  /** The row's sort key values, then its type and id. */
  values: unknown[];
}

export interface SortKey {
  /** `_id`, `_lastUpdated`, or a search parameter. */
  code: string;
  param?: ParamDefinition;
  descending: boolean;
}

export interface IncludeSpec {
  sourceType: string;
  /** Undefined for `*`: every reference parameter of the source type. */
  code?: string;
  targetType?: string;
  iterate: boolean;
}

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';
export type TotalMode = 'none' | 'estimate' | 'accurate' | 'default';

export interface SearchQuery {
  /** Empty: every type (system search without `_type`). */
  types: string[];
  conditions: Condition[];
  sort: SortKey[];
  count: number;
  /** Where the page starts: strictly after (next pages) or before (previous pages) a row's sort key. */
  cursor?: Cursor;
  total: TotalMode;
  summary?: SummaryMode;
  elements?: string[];
  includes: IncludeSpec[];
  revincludes: IncludeSpec[];
  /** The parameters as understood, for self and next links (the cursor left out). */
  linkParams: [string, string][];
  /**
   * What the caller may see: `main` restricts the matches, `related` the resources a chain or `_has`
   * looks through (a type missing from it is closed). Absent: no restriction.
   */
  access?: { main?: TypeScope; related?: TypeScope };
}
