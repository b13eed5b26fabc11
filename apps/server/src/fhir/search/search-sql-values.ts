import type { TypeScope } from '../core/access';
import { escapeLike, foldString } from './normalise';
import type { Modifier, Prefix, SearchValue } from './search-query';

/** Collects query parameters; every value from a request goes through here, never into the SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  private aliases = 0;

  /** What chained and `_has` resources the caller may see (absent: all). */
  constructor(readonly related?: TypeScope) {}

  /** A table alias unique within the statement. */
  alias(prefix: string): string {
    this.aliases += 1;
    return `${prefix}${this.aliases}`;
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The SQL expressions a value is compared with: index table columns, or fields of a composite's JSON. */
export interface Columns {
  value: string;
  exact: string;
  system: string;
  display: string;
  ofType: string;
  low: string;
  high: string;
  unit: string;
  targetType: string;
  targetId: string;
  url: string;
}

export function tableColumns(alias: string): Columns {
  return {
    value: `${alias}.value`,
    exact: `${alias}.exact`,
    system: `${alias}.system`,
    display: `${alias}.display`,
    ofType: `${alias}.of_type`,
    low: `${alias}.low`,
    high: `${alias}.high`,
    unit: `${alias}.unit`,
    targetType: `${alias}.target_type`,
    targetId: `${alias}.target_id`,
    url: `${alias}.url`,
  };
}

/** `ap` matches within 10% of the distance from now (dates) or of the value (numbers). */
function approximateDateSlack(low: string): number {
  return Math.max(Math.abs(Date.now() - Date.parse(low)) * 0.1, 24 * 3600 * 1000);
}

/** A date range [low, high) against the searched range, with null ends open. */
export function dateSql(prefix: Prefix, ql: string, qh: string, c: Columns, p: SqlParams): string {
  const low = () => p.add(ql);
  const high = () => p.add(qh);
  switch (prefix) {
    case 'eq':
      return `(${c.low} >= ${low()}::timestamptz AND ${c.high} <= ${high()}::timestamptz)`;
    case 'ne':
      return `(${c.low} IS NULL OR ${c.high} IS NULL OR ${c.low} < ${low()}::timestamptz OR ${c.high} > ${high()}::timestamptz)`;
    case 'gt':
      return `(${c.high} IS NULL OR ${c.high} > ${high()}::timestamptz)`;
    case 'ge':
      return `(${c.high} IS NULL OR ${c.high} > ${low()}::timestamptz)`;
    case 'lt':
      return `(${c.low} IS NULL OR ${c.low} < ${low()}::timestamptz)`;
    case 'le':
      return `(${c.low} IS NULL OR ${c.low} < ${high()}::timestamptz)`;
    case 'sa':
      return `${c.low} >= ${high()}::timestamptz`;
    case 'eb':
      return `${c.high} <= ${low()}::timestamptz`;
    case 'ap': {
      const slack = approximateDateSlack(ql);
      const from = p.add(new Date(Date.parse(ql) - slack).toISOString());
      const to = p.add(new Date(Date.parse(qh) + slack).toISOString());
      return `((${c.low} IS NULL OR ${c.low} < ${to}::timestamptz) AND (${c.high} IS NULL OR ${c.high} > ${from}::timestamptz))`;
    }
  }
}

/** A point in time (fhir_resource.last_updated) against the searched range. */
export function instantSql(prefix: Prefix, ql: string, qh: string, column: string, p: SqlParams): string {
  const at = (value: string) => `${p.add(value)}::timestamptz`;
  switch (prefix) {
    case 'eq':
      return `(${column} >= ${at(ql)} AND ${column} < ${at(qh)})`;
    case 'ne':
      return `(${column} < ${at(ql)} OR ${column} >= ${at(qh)})`;
    case 'gt':
    case 'sa':
      return `${column} >= ${at(qh)}`;
    case 'ge':
      return `${column} >= ${at(ql)}`;
    case 'lt':
    case 'eb':
      return `${column} < ${at(ql)}`;
    case 'le':
      return `${column} < ${at(qh)}`;
    case 'ap': {
      const slack = approximateDateSlack(ql);
      return `(${column} >= ${at(new Date(Date.parse(ql) - slack).toISOString())} AND ${column} < ${at(new Date(Date.parse(qh) + slack).toISOString())})`;
    }
  }
}

/** A stored number against the searched one; `eq` means inside the range the search value's precision implies. */
export function numberSql(
  prefix: Prefix,
  value: { value: string; low: string; high: string },
  column: string,
  p: SqlParams,
): string {
  const n = (text: string) => `${p.add(text)}::numeric`;
  switch (prefix) {
    case 'eq':
      return `(${column} >= ${n(value.low)} AND ${column} < ${n(value.high)})`;
    case 'ne':
      return `(${column} < ${n(value.low)} OR ${column} >= ${n(value.high)})`;
    case 'gt':
    case 'sa':
      return `${column} > ${n(value.value)}`;
    case 'ge':
      return `${column} >= ${n(value.value)}`;
    case 'lt':
    case 'eb':
      return `${column} < ${n(value.value)}`;
    case 'le':
      return `${column} <= ${n(value.value)}`;
    case 'ap': {
      const v = Number(value.value);
      const slack = Math.max(Math.abs(v) * 0.1, Number(value.high) - Number(value.low));
      return `(${column} >= ${n(String(v - slack))} AND ${column} <= ${n(String(v + slack))})`;
    }
  }
}

/** Every prefix of a URL at a path boundary, for `:above` (the stored URL is the searched one or above it). */
function urlAncestors(url: string): string[] {
  const out = [url];
  let current = url;
  while (current.includes('/')) {
    current = current.slice(0, current.lastIndexOf('/'));
    if (!current || current.endsWith(':') || current.endsWith('/')) break;
    out.push(current);
  }
  return out;
}

/** The smallest string greater than every string that starts with `prefix` (code point order). */
export function prefixUpperBound(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
      return chars.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/**
 * `column` starts with `prefix`. LIKE is not leakproof, so under row-level security PostgreSQL will not
 * turn it into an index range itself; the explicit `~>=~`/`~<~` range (text_pattern_ops, leakproof) will.
 */
function startsWithSql(column: string, prefix: string, p: SqlParams): string {
  const upper = prefixUpperBound(prefix);
  const range = `${column} ~>=~ ${p.add(prefix)}${upper ? ` AND ${column} ~<~ ${p.add(upper)}` : ''}`;
  return `(${range} AND ${column} LIKE ${p.add(`${escapeLike(prefix)}%`)})`;
}

/** The condition one search value puts on one index row (or composite component). */
export function valueSql(
  value: SearchValue,
  modifier: Modifier | undefined,
  c: Columns,
  p: SqlParams,
  numeric: (column: string) => string = (column) => column,
): string {
  switch (value.type) {
    case 'string':
      // The folded value leads to the row through its index; the exact text then decides.
      if (modifier === 'exact')
        return `(${c.value} = ${p.add(foldString(value.text))} AND ${c.exact} = ${p.add(value.text)})`;
      if (modifier === 'text') return `${c.display} LIKE ${p.add(`%${escapeLike(foldString(value.text))}%`)}`;
      if (modifier === 'contains') return `${c.value} LIKE ${p.add(`%${escapeLike(foldString(value.text))}%`)}`;
      return startsWithSql(c.value, foldString(value.text), p);
    case 'uri':
      if (modifier === 'below') return startsWithSql(c.value, value.text, p);
      if (modifier === 'above') return `${c.value} = ANY(${p.add(urlAncestors(value.text))}::text[])`;
      return `${c.value} = ${p.add(value.text)}`;
    case 'token': {
      if (modifier === 'of-type') {
        return `(${c.ofType} = ${p.add(value.system)} AND ${c.value} = ${p.add(value.code)})`;
      }
      const parts: string[] = [];
      if (value.code !== undefined) parts.push(`${c.value} = ${p.add(value.code)}`);
      if (value.system === null) parts.push(`${c.system} IS NULL`);
      else if (value.system !== undefined) parts.push(`${c.system} = ${p.add(value.system)}`);
      return parts.length ? `(${parts.join(' AND ')})` : 'false';
    }
    case 'reference':
      if (value.url) return `${c.url} = ${p.add(value.url)}`;
      if (value.targetType) {
        return `(${c.targetId} = ${p.add(value.id)} AND ${c.targetType} = ${p.add(value.targetType)})`;
      }
      return `${c.targetId} = ${p.add(value.id)}`;
    case 'date':
      return dateSql(value.prefix, value.low, value.high, c, p);
    case 'number':
      return numberSql(value.prefix, value, numeric(c.value), p);
    case 'quantity': {
      const parts = [numberSql(value.prefix, value, numeric(c.value), p)];
      if (value.system) parts.push(`${c.system} = ${p.add(value.system)}`);
      if (value.unit) parts.push(`${c.unit} = ${p.add(value.unit)}`);
      return `(${parts.join(' AND ')})`;
    }
    case 'composite':
      throw new Error('Composite values are built by compositeSql');
  }
}
