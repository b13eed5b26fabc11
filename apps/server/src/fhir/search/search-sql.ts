import { scopeSql } from '../core/access';
import { compartmentPatient } from './search-compartment';
import type { ParamDefinition } from './search-definitions';
import type { Condition, Cursor, SearchQuery, SearchValue, SortKey } from './search-query';
import { type Columns, instantSql, SqlParams, tableColumns, valueSql } from './search-sql-values';

/**
 * Turns a SearchQuery into parameterised SQL over fhir_resource and the index tables. Table names and
 * parameter codes come from our own definitions; everything from the request is a $n parameter.
 */

/** Correlates an index row with the resource row it belongs to. */
function rowOf(index: string, resource: string): string {
  return `${index}.tenant_id = ${resource}.tenant_id AND ${index}.resource_type = ${resource}.resource_type AND ${index}.resource_id = ${resource}.id`;
}

function jsonColumns(alias: string): Columns {
  const text = (key: string) => `(${alias}->>'${key}')`;
  return {
    value: text('v'),
    exact: text('v'),
    system: text('s'),
    display: text('v'),
    ofType: text('t'),
    low: `${text('lo')}::timestamptz`,
    high: `${text('hi')}::timestamptz`,
    unit: text('u'),
    targetType: text('tt'),
    targetId: text('ti'),
    url: text('v'),
  };
}

function componentSql(value: SearchValue, position: number, row: string, p: SqlParams): string {
  const element = p.alias('c');
  const columns = jsonColumns(element);
  if (value.type === 'token') columns.value = `(${element}->>'c')`;
  if (value.type === 'number' || value.type === 'quantity') columns.value = `(${element}->>'v')::numeric`;
  return `EXISTS (SELECT 1 FROM jsonb_array_elements(${row}.components->${position}) ${element} WHERE ${valueSql(value, undefined, columns, p)})`;
}

function compositeSql(value: SearchValue, param: ParamDefinition, row: string, p: SqlParams): string {
  if (value.type !== 'composite') return 'false';
  const [first, ...rest] = value.parts;
  const parts: string[] = [];
  if (first?.type === 'token' && first.code !== undefined && param.components?.[0]?.type === 'token') {
    parts.push(`${row}.first_key = ${p.add(first.code)}`);
    if (first.system !== undefined) parts.push(componentSql(first, 0, row, p));
  } else if (first) {
    parts.push(componentSql(first, 0, row, p));
  }
  for (const [i, part] of rest.entries()) parts.push(componentSql(part, i + 1, row, p));
  return `(${parts.join(' AND ')})`;
}

function indexExists(param: ParamDefinition, resource: string, p: SqlParams, extra?: (row: string) => string): string {
  const row = p.alias('i');
  const filter = extra ? ` AND ${extra(row)}` : '';
  return `EXISTS (SELECT 1 FROM ${param.table} ${row} WHERE ${rowOf(row, resource)} AND ${row}.code = ${p.add(param.code)}${filter})`;
}

/** Restricts a chained or `_has` row to what the caller may see of its types. */
function relatedSql(row: string, types: string[], p: SqlParams): string {
  if (!p.related) return '';
  const scope = new Map(
    types.flatMap((type) => (p.related!.has(type) ? [[type, p.related!.get(type)!] as const] : [])),
  );
  return ` AND ${scopeSql(scope, row, (value) => p.add(value))}`;
}

/**
 * The SQL condition for one parsed condition on the resource row `resource`. `patient` (gives a placeholder)
 * is set when the search is limited to one patient's compartment: date rows are then looked up by
 * patient first, which is what their patient index is for.
 */
export function conditionSql(condition: Condition, resource: string, p: SqlParams, patient?: () => string): string {
  switch (condition.kind) {
    case 'id': {
      const test = `${resource}.id = ANY(${p.add(condition.ids)}::text[])`;
      return condition.not ? `NOT (${test})` : test;
    }
    case 'lastUpdated':
      return `(${condition.values
        .map((value) => instantSql(value.prefix, value.low, value.high, `${resource}.last_updated`, p))
        .join(' OR ')})`;
    case 'missing': {
      const exists = indexExists(condition.param, resource, p);
      return condition.missing ? `NOT ${exists}` : exists;
    }
    case 'match': {
      const { param, modifier, values } = condition;
      const exists = indexExists(param, resource, p, (row) => {
        const owner = patient && param.type === 'date' ? `${row}.patient_id = ${patient()} AND ` : '';
        const alternatives = values.map((value) =>
          param.type === 'composite'
            ? compositeSql(value, param, row, p)
            : valueSql(value, modifier === 'not' || modifier === 'type' ? undefined : modifier, tableColumns(row), p),
        );
        return `${owner}(${alternatives.join(' OR ')})`;
      });
      return modifier === 'not' ? `NOT ${exists}` : exists;
    }
    case 'chain': {
      const row = p.alias('i');
      const target = p.alias('t');
      // With one target type, naming it lets the planner use the index of the chained parameter directly.
      const targetType =
        condition.targetTypes.length === 1
          ? `${target}.resource_type = ${p.add(condition.targetTypes[0])}`
          : `${target}.resource_type = ANY(${p.add(condition.targetTypes)}::text[])`;
      return `EXISTS (SELECT 1 FROM fhir_sp_reference ${row} WHERE ${rowOf(row, resource)} AND ${row}.code = ${p.add(condition.param.code)}
        AND EXISTS (SELECT 1 FROM fhir_resource ${target} WHERE ${target}.tenant_id = ${row}.tenant_id AND ${targetType}
          AND ${target}.resource_type = ${row}.target_type AND ${target}.id = ${row}.target_id AND NOT ${target}.deleted${relatedSql(target, condition.targetTypes, p)}
          AND ${conditionSql(condition.next, target, p)}))`;
    }
    case 'has': {
      const row = p.alias('i');
      const source = p.alias('s');
      return `EXISTS (SELECT 1 FROM fhir_sp_reference ${row} WHERE ${row}.tenant_id = ${resource}.tenant_id
        AND ${row}.target_type = ${resource}.resource_type AND ${row}.target_id = ${resource}.id
        AND ${row}.resource_type = ${p.add(condition.sourceType)} AND ${row}.code = ${p.add(condition.referenceCode)}
        AND EXISTS (SELECT 1 FROM fhir_resource ${source} WHERE ${source}.tenant_id = ${row}.tenant_id
          AND ${source}.resource_type = ${row}.resource_type AND ${source}.id = ${row}.resource_id AND NOT ${source}.deleted${relatedSql(source, [condition.sourceType], p)}
          AND ${conditionSql(condition.next, source, p)}))`;
    }
  }
}

/** The SQL type a sort key's values have, to cast cursor values back. */
function sortCast(key: SortKey): string {
  if (key.code === '_lastUpdated') return 'timestamptz';
  if (key.code === '_id') return 'text';
  switch (key.param?.type) {
    case 'date':
      return 'timestamptz';
    case 'number':
    case 'quantity':
      return 'numeric';
    default:
      return 'text';
  }
}

/** The expression a sort key orders by: the lowest value ascending, the highest descending. */
function sortExpression(key: SortKey, resource: string, p: SqlParams): string {
  if (key.code === '_id') return `${resource}.id`;
  if (key.code === '_lastUpdated') return `${resource}.last_updated`;
  const param = key.param!;
  const aggregate = key.descending ? 'max' : 'min';
  const row = 'o';
  let column: string;
  switch (param.type) {
    case 'date':
      column = key.descending ? `coalesce(${row}.high, ${row}.low)` : `coalesce(${row}.low, ${row}.high)`;
      break;
    case 'reference':
      column = `coalesce(${row}.target_type || '/' || ${row}.target_id, ${row}.url)`;
      break;
    default:
      column = `${row}.value`;
  }
  return `(SELECT ${aggregate}(${column}) FROM ${param.table} ${row} WHERE ${rowOf(row, resource)} AND ${row}.code = ${p.add(param.code)})`;
}

export interface SelectPlan {
  sql: string;
  params: unknown[];
  /** How many sort values each row carries before its type and id (for the next cursor). */
  sortCount: number;
}

function whereClauses(query: SearchQuery, tenantId: string, p: SqlParams): string[] {
  const where = [`r.tenant_id = ${p.add(tenantId)}`, 'NOT r.deleted'];
  if (query.types.length === 1) where.push(`r.resource_type = ${p.add(query.types[0])}`);
  else if (query.types.length > 1) where.push(`r.resource_type = ANY(${p.add(query.types)}::text[])`);
  const patientId = compartmentPatient(query);
  // Added on first use only: PostgreSQL refuses a parameter no part of the statement uses.
  let placeholder: string | undefined;
  const patient = patientId === undefined ? undefined : () => (placeholder ??= p.add(patientId));
  for (const condition of query.conditions) where.push(conditionSql(condition, 'r', p, patient));
  if (query.access?.main) where.push(scopeSql(query.access.main, 'r', (value) => p.add(value)));
  return where;
}

/**
 * Type and id break ties in the direction of the last sort key, so `_sort=-_lastUpdated` reads the
 * (tenant, type, last_updated, id) index backwards instead of sorting.
 */
function tieDescending(query: SearchQuery): boolean {
  return query.sort[query.sort.length - 1]?.descending ?? false;
}

/**
 * Rows strictly after (or before) the cursor in (sort keys..., type, id) order, NULLs last in either
 * direction: an OR of "equal on the keys so far and beyond on this one".
 */
function keysetSql(sortExpressions: string[], query: SearchQuery, cursor: Cursor, p: SqlParams): string {
  const before = cursor.direction === 'before';
  const sortValues = cursor.values.slice(0, -2);
  const [cursorType, cursorId] = cursor.values.slice(-2);
  const ors: string[] = [];
  const equal: string[] = [];
  sortExpressions.forEach((expression, i) => {
    const key = query.sort[i]!;
    const value = sortValues[i];
    if (value === null || value === undefined) {
      // Nothing sorts after a missing value; everything with a value sorts before it.
      if (before)
        ors.push(equal.length ? `(${equal.join(' AND ')} AND ${expression} IS NOT NULL)` : `${expression} IS NOT NULL`);
      equal.push(`${expression} IS NULL`);
      return;
    }
    const typed = `${p.add(value)}::${sortCast(key)}`;
    const operator = key.descending !== before ? '<' : '>';
    const beyond = before
      ? `${expression} ${operator} ${typed}`
      : `(${expression} ${operator} ${typed} OR ${expression} IS NULL)`;
    ors.push(equal.length ? `(${equal.join(' AND ')} AND ${beyond})` : beyond);
    equal.push(`${expression} = ${typed}`);
  });
  const tieOperator = tieDescending(query) !== before ? '<' : '>';
  const tie = `(r.resource_type, r.id) ${tieOperator} (${p.add(cursorType)}, ${p.add(cursorId)})`;
  ors.push(equal.length ? `(${equal.join(' AND ')} AND ${tie})` : tie);
  return `(${ors.join(' OR ')})`;
}

/** The page query: matching rows in sort order after the cursor, one more than the page to know if there is a next. */
export function selectSql(query: SearchQuery, tenantId: string): SelectPlan {
  const p = new SqlParams(query.access?.related);
  const where = whereClauses(query, tenantId, p);
  const sortExpressions = query.sort.map((key) => sortExpression(key, 'r', p));
  if (query.cursor) where.push(keysetSql(sortExpressions, query, query.cursor, p));
  // A previous page is read backwards from its cursor (every direction flipped), then put back in order.
  const flip = query.cursor?.direction === 'before';
  const direction = (descending: boolean) => (descending !== flip ? 'DESC' : 'ASC');
  // `_id` and `_lastUpdated` are never null; leaving their NULLS clause out lets their indexes give the order.
  const nulls = (key: SortKey) => (key.param ? (flip ? ' NULLS FIRST' : ' NULLS LAST') : '');
  const tie = direction(tieDescending(query));
  // Ordering by the text form would sort numbers and dates wrongly, so order by the typed expression.
  const orderBy = [
    ...query.sort.map((key, i) => `${sortExpressions[i]} ${direction(key.descending)}${nulls(key)}`),
    `r.resource_type ${tie}`,
    `r.id ${tie}`,
  ];
  const columns = sortExpressions.map((expression, i) => `${expression}::text AS s${i}`);
  const sql = `SELECT r.resource_type, r.id, r.content${columns.length ? `, ${columns.join(', ')}` : ''}
    FROM fhir_resource r WHERE ${where.join('\n AND ')}
    ORDER BY ${orderBy.join(', ')} LIMIT ${p.add(query.count + 1)}`;
  return { sql, params: p.values, sortCount: sortExpressions.length };
}

/** Counts matches, stopping at `cap` when given (so a default total never reads more than that). */
export function countSql(query: SearchQuery, tenantId: string, cap?: number): { sql: string; params: unknown[] } {
  const p = new SqlParams(query.access?.related);
  const where = whereClauses(query, tenantId, p);
  const inner = `SELECT 1 FROM fhir_resource r WHERE ${where.join('\n AND ')}`;
  const sql =
    cap === undefined
      ? `SELECT count(*)::int AS n FROM (${inner}) x`
      : `SELECT count(*)::int AS n FROM (${inner} LIMIT ${p.add(cap)}) x`;
  return { sql, params: p.values };
}

/** The planner's estimate of the match count, for `_total=estimate`. */
export function estimateSql(query: SearchQuery, tenantId: string): { sql: string; params: unknown[] } {
  const p = new SqlParams(query.access?.related);
  const where = whereClauses(query, tenantId, p);
  return { sql: `EXPLAIN (FORMAT JSON) SELECT 1 FROM fhir_resource r WHERE ${where.join(' AND ')}`, params: p.values };
}

/** Candidates read from the patient date index per page row wanted (see `patientPageSql`). */
const PATIENT_PAGE_CANDIDATES = 4;

/**
 * The first page of one patient's resources of one type, newest first by a date parameter
 * (`patient=X&_sort=-date`): the newest few times a page of candidates is read from the date index by
 * patient, in order, and only those are checked against the other conditions, so the cost is the page
 * and not everything the patient has. A resource is taken at its latest date row (its sort key). The
 * caller keeps the answer only if it holds a full page of distinct resources (undated resources sort
 * last, a resource with several date rows may repeat, and the other conditions may reject too many
 * candidates); otherwise it runs `selectSql`.
 */
export function patientPageSql(query: SearchQuery, tenantId: string): SelectPlan | undefined {
  const [first, ...more] = query.sort;
  if (query.cursor || query.types.length !== 1 || more.length || !first?.descending) return undefined;
  if (first.param?.type !== 'date') return undefined;
  const patient = compartmentPatient(query);
  if (patient === undefined) return undefined;
  const p = new SqlParams(query.access?.related);
  // $1 is the tenant and $2 the type: whereClauses adds them first.
  const where = whereClauses(query, tenantId, p);
  const key = 'coalesce(o.high, o.low)';
  const sql = `SELECT r.resource_type, r.id, r.content, k.s0::text AS s0
    FROM (SELECT o.resource_type, o.resource_id, ${key} AS s0 FROM fhir_sp_date o
           WHERE o.tenant_id = $1 AND o.patient_id = ${p.add(patient)} AND o.resource_type = $2
             AND o.code = ${p.add(first.param.code)} AND ${key} IS NOT NULL
           ORDER BY ${key} DESC, o.resource_id DESC
           LIMIT ${p.add((query.count + 1) * PATIENT_PAGE_CANDIDATES)}) k
    JOIN fhir_resource r ON r.tenant_id = $1 AND r.resource_type = k.resource_type AND r.id = k.resource_id
    WHERE ${where.join('\n AND ')}
    ORDER BY k.s0 DESC, k.resource_id DESC LIMIT ${p.add(query.count + 1)}`;
  return { sql, params: p.values, sortCount: 1 };
}
