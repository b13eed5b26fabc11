import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';
import { extractIndexRows } from './index-extractor';
import type { IndexRows } from './index-rows';
import type { SearchIndexWriter } from './search-index';

interface TableSpec {
  table: string;
  columns: string[];
  casts: string[];
  values(rows: IndexRows): unknown[][];
}

/**
 * Date rows carry the patient whose compartment the resource is in (its `patient` search parameter), one
 * row per patient, so a patient's resources can be read in date order from one index (migration 0017).
 */
function dateValues(rows: IndexRows): unknown[][] {
  const patients = [
    ...new Set(rows.reference.flatMap((r) => (r.code === 'patient' && r.targetId ? [r.targetId] : []))),
  ];
  const owners = patients.length ? patients : [null];
  const columns: unknown[][] = [[], [], [], []];
  for (const row of rows.date) {
    for (const patient of owners) {
      columns[0]!.push(row.code);
      columns[1]!.push(row.low);
      columns[2]!.push(row.high);
      columns[3]!.push(patient);
    }
  }
  return columns;
}

const TABLES: TableSpec[] = [
  {
    table: 'fhir_sp_string',
    columns: ['code', 'value', 'exact'],
    casts: ['text', 'text', 'text'],
    values: (rows) => [
      rows.string.map((r) => r.code),
      rows.string.map((r) => r.value),
      rows.string.map((r) => r.exact),
    ],
  },
  {
    table: 'fhir_sp_token',
    columns: ['code', 'system', 'value', 'display', 'of_type'],
    casts: ['text', 'text', 'text', 'text', 'text'],
    values: (rows) => [
      rows.token.map((r) => r.code),
      rows.token.map((r) => r.system),
      rows.token.map((r) => r.value),
      rows.token.map((r) => r.display),
      rows.token.map((r) => r.ofType),
    ],
  },
  {
    table: 'fhir_sp_reference',
    columns: ['code', 'target_type', 'target_id', 'url'],
    casts: ['text', 'text', 'text', 'text'],
    values: (rows) => [
      rows.reference.map((r) => r.code),
      rows.reference.map((r) => r.targetType),
      rows.reference.map((r) => r.targetId),
      rows.reference.map((r) => r.url),
    ],
  },
  {
    table: 'fhir_sp_date',
    columns: ['code', 'low', 'high', 'patient_id'],
    casts: ['text', 'timestamptz', 'timestamptz', 'text'],
    values: dateValues,
  },
  {
    table: 'fhir_sp_number',
    columns: ['code', 'value', 'low', 'high'],
    casts: ['text', 'numeric', 'numeric', 'numeric'],
    values: (rows) => [
      rows.number.map((r) => r.code),
      rows.number.map((r) => r.value),
      rows.number.map((r) => r.low),
      rows.number.map((r) => r.high),
    ],
  },
  {
    table: 'fhir_sp_quantity',
    columns: ['code', 'system', 'unit', 'value', 'low', 'high'],
    casts: ['text', 'text', 'text', 'numeric', 'numeric', 'numeric'],
    values: (rows) => [
      rows.quantity.map((r) => r.code),
      rows.quantity.map((r) => r.system),
      rows.quantity.map((r) => r.unit),
      rows.quantity.map((r) => r.value),
      rows.quantity.map((r) => r.low),
      rows.quantity.map((r) => r.high),
    ],
  },
  {
    table: 'fhir_sp_uri',
    columns: ['code', 'value'],
    casts: ['text', 'text'],
    values: (rows) => [rows.uri.map((r) => r.code), rows.uri.map((r) => r.value)],
  },
  {
    table: 'fhir_sp_composite',
    columns: ['code', 'first_key', 'components'],
    casts: ['text', 'text', 'jsonb'],
    values: (rows) => [
      rows.composite.map((r) => r.code),
      rows.composite.map((r) => r.firstKey),
      rows.composite.map((r) => JSON.stringify(r.components)),
    ],
  },
];

/**
 * Builds one statement that deletes a resource's old index rows and inserts its new ones: every table
 * in a single round trip. Sub-statements of one WITH share a snapshot, so the deletes never see the inserts.
 */
export function indexStatement(
  tenantId: string,
  resourceType: string,
  id: string,
  rows: IndexRows | null,
  firstVersion = false,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [tenantId, resourceType, id];
  // A first version has no index rows yet: skipping eight index probes is most of a create's index cost.
  const parts = firstVersion
    ? []
    : TABLES.map(
        (spec, n) =>
          `d${n} AS (DELETE FROM ${spec.table} WHERE tenant_id = $1 AND resource_type = $2 AND resource_id = $3)`,
      );
  if (rows) {
    TABLES.forEach((spec, n) => {
      const values = spec.values(rows);
      if (!values[0]?.length) return;
      const placeholders = values.map((column, c) => {
        params.push(column);
        return `$${params.length}::${spec.casts[c]}[]`;
      });
      parts.push(
        `i${n} AS (INSERT INTO ${spec.table} (tenant_id, resource_type, resource_id, ${spec.columns.join(', ')})
         SELECT $1::uuid, $2, $3, * FROM unnest(${placeholders.join(', ')}))`,
      );
    });
  }
  if (!parts.length) return { sql: '', params };
  return { sql: `WITH ${parts.join(',\n')} SELECT 1`, params };
}

/**
 * `indexStatement` for many resources in one round trip (bulk loads): the old rows of every resource that
 * is not a first version are deleted, and the new rows inserted from arrays that carry each row's resource
 * type and id.
 */
export function indexManyStatement(
  tenantId: string,
  items: { resourceType: string; id: string; rows: IndexRows; firstVersion: boolean }[],
): { sql: string; params: unknown[] } {
  const replaced = items.filter((item) => !item.firstVersion);
  const params: unknown[] = [tenantId];
  // Parameters $2 and $3 exist only when used: PostgreSQL refuses parameters it cannot type.
  if (replaced.length)
    params.push(
      replaced.map((item) => item.resourceType),
      replaced.map((item) => item.id),
    );
  const parts = replaced.length
    ? TABLES.map(
        (spec, n) =>
          `d${n} AS (DELETE FROM ${spec.table} WHERE tenant_id = $1
             AND (resource_type, resource_id) IN (SELECT * FROM unnest($2::text[], $3::text[])))`,
      )
    : [];
  TABLES.forEach((spec, n) => {
    const types: string[] = [];
    const ids: string[] = [];
    const columns: unknown[][] = spec.columns.map(() => []);
    for (const item of items) {
      const values = spec.values(item.rows);
      const count = values[0]?.length ?? 0;
      for (let row = 0; row < count; row++) {
        types.push(item.resourceType);
        ids.push(item.id);
        values.forEach((column, c) => {
          columns[c]!.push(column[row]);
        });
      }
    }
    if (!types.length) return;
    params.push(types, ids);
    const typeParam = params.length - 1;
    const placeholders = columns.map((column, c) => {
      params.push(column);
      return `$${params.length}::${spec.casts[c]}[]`;
    });
    parts.push(
      `i${n} AS (INSERT INTO ${spec.table} (tenant_id, resource_type, resource_id, ${spec.columns.join(', ')})
       SELECT $1::uuid, * FROM unnest($${typeParam}::text[], $${typeParam + 1}::text[], ${placeholders.join(', ')}))`,
    );
  });
  if (!parts.length) return { sql: '', params };
  return { sql: `WITH ${parts.join(',\n')} SELECT 1`, params };
}

/** Keeps the index tables in step with each write, inside the write's transaction. */
export const searchIndexWriter: SearchIndexWriter = {
  async write(db: Queryable, tenantId: string, resourceType: string, id: string, resource: Resource | null) {
    const rows = resource ? extractIndexRows(resource) : null;
    const { sql, params } = indexStatement(tenantId, resourceType, id, rows, resource?.meta?.versionId === '1');
    if (sql) await db.query(sql, params);
  },
  async writeMany(db: Queryable, tenantId: string, resources: Resource[]) {
    const items = resources.map((resource) => ({
      resourceType: resource.resourceType,
      id: resource.id!,
      rows: extractIndexRows(resource),
      firstVersion: resource.meta?.versionId === '1',
    }));
    const { sql, params } = indexManyStatement(tenantId, items);
    if (sql) await db.query(sql, params);
  },
};
