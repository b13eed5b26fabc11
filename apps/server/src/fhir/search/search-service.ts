import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Database, Queryable } from '../../platform/db';
import { FhirError, issue } from '../core/outcome';
import type { FhirContext } from '../core/repository';
import type { SearchRequest, SearchService } from '../fhir-services';
import { includeFilter, restrictSearch } from './search-access';
import { searchsetBundle } from './search-bundle';
import { DEFAULT_TOTAL_LIMIT, MAX_INCLUDED } from './search-constants';
import { paramsFor } from './search-definitions';
import { loadIncluded } from './search-includes';
import { encodeCursor } from './search-paging';
import { parseSearch } from './search-parser';
import { type ParamProblem, problemIssues } from './search-problems';
import type { SearchQuery } from './search-query';
import { countSql, estimateSql, patientPageSql, selectSql } from './search-sql';

interface PageRow {
  resource_type: string;
  id: string;
  content: string;
  [sortKey: string]: string | null;
}

function rejectProblems(problems: ParamProblem[]): void {
  if (problems.length) throw new FhirError(400, problemIssues(problems, 'error'), 'FHIR_INVALID');
}

/**
 * FHIR search over the index tables: parse the request, run one page query (plus a count and the
 * includes when asked), and answer a searchset Bundle.
 */
export class FhirSearchService implements SearchService {
  constructor(private readonly db: Database) {}

  private reading<T>(ctx: FhirContext, work: (db: Queryable) => Promise<T>): Promise<T> {
    return ctx.tx ? work(ctx.tx) : this.db.withTenant(ctx.tenantId, work);
  }

  async search(ctx: FhirContext, request: SearchRequest, baseUrl: string): Promise<Bundle> {
    const parsed = parseSearch(request.resourceType, request.params);
    const { problems } = parsed;
    if (request.handling === 'strict') rejectProblems(problems);
    const warnings = problemIssues(problems, 'warning');
    const currentCursor = parsed.query.cursor ? request.params.find(([name]) => name === '_cursor')?.[1] : undefined;
    return this.reading(ctx, async (db) => {
      const query = await restrictSearch(ctx.access, db, parsed.query);
      if (query.summary === 'count') {
        const total = await this.total(db, ctx.tenantId, { ...query, total: 'accurate' }, 0, false);
        return searchsetBundle(
          query,
          { matches: [], included: [], warnings, ...(total !== undefined ? { total } : {}) },
          baseUrl,
          request.resourceType,
        );
      }
      const { rows, hasMore, sortCount } = await this.page(db, ctx.tenantId, query);
      const matches = rows.map((row) => JSON.parse(row.content) as Resource);
      const keyOf = (row: PageRow) => [
        ...Array.from({ length: sortCount }, (_, i) => row[`s${i}`] ?? null),
        row.resource_type,
        row.id,
      ];
      const first = rows[0];
      const last = rows[rows.length - 1];
      const backwards = query.cursor?.direction === 'before';
      // Read forwards, `hasMore` means a next page; read backwards (a previous link), a page before this one.
      const nextCursor =
        last && (backwards || hasMore) ? encodeCursor({ direction: 'after', values: keyOf(last) }) : undefined;
      const previousCursor =
        first && (backwards ? hasMore : Boolean(query.cursor))
          ? encodeCursor({ direction: 'before', values: keyOf(first) })
          : undefined;
      const included = await loadIncluded(
        db,
        ctx.tenantId,
        rows.map((row) => ({ resourceType: row.resource_type, id: row.id })),
        query.includes,
        query.revincludes,
        includeFilter(ctx.access, db),
      );
      const total = await this.total(db, ctx.tenantId, query, rows.length, hasMore || Boolean(query.cursor));
      return searchsetBundle(
        query,
        {
          matches,
          included: included.resources.map((version) => JSON.parse(version.content ?? '{}') as Resource),
          warnings: included.truncated
            ? [
                ...warnings,
                issue(
                  'too-costly',
                  `Only the first ${MAX_INCLUDED} included resources are returned`,
                  undefined,
                  'warning',
                ),
              ]
            : warnings,
          ...(nextCursor ? { nextCursor } : {}),
          ...(previousCursor ? { previousCursor } : {}),
          ...(total !== undefined ? { total } : {}),
        },
        baseUrl,
        request.resourceType,
        currentCursor,
      );
    });
  }

  async findIds(ctx: FhirContext, resourceType: string, params: [string, string][], limit: number): Promise<string[]> {
    const { query, problems } = parseSearch(resourceType, params);
    rejectProblems(problems);
    const rows = await this.reading(ctx, async (db) => {
      const restricted = await restrictSearch(ctx.access, db, query);
      const { rows } = await this.page(db, ctx.tenantId, { ...restricted, sort: [], cursor: undefined, count: limit });
      return rows;
    });
    return rows.slice(0, limit).map((row) => row.id);
  }

  supportedParameters(resourceType: string): { name: string; type: string; definition?: string }[] {
    return [...paramsFor(resourceType).values()].map((param) => ({
      name: param.code,
      type: param.type,
      ...(param.url ? { definition: param.url } : {}),
    }));
  }

  private async page(db: Queryable, tenantId: string, query: SearchQuery) {
    const patientPage = patientPageSql(query, tenantId);
    if (patientPage) {
      const result = await db.query<PageRow>(patientPage.sql, patientPage.params);
      const distinct = new Set(result.rows.map((row) => row.id)).size === result.rows.length;
      if (distinct && result.rows.length > query.count) {
        return { rows: result.rows.slice(0, query.count), hasMore: true, sortCount: patientPage.sortCount };
      }
    }
    const plan = selectSql(query, tenantId);
    const result = await db.query<PageRow>(plan.sql, plan.params);
    const hasMore = result.rows.length > query.count;
    const rows = result.rows.slice(0, query.count);
    if (query.cursor?.direction === 'before') rows.reverse();
    return { rows, hasMore, sortCount: plan.sortCount };
  }

  /**
   * `_total`: none gives nothing; estimate asks the planner; accurate counts. By default the count is
   * exact when the first page holds everything, else counted up to DEFAULT_TOTAL_LIMIT and left out beyond.
   */
  private async total(
    db: Queryable,
    tenantId: string,
    query: SearchQuery,
    pageSize: number,
    morePages: boolean,
  ): Promise<number | undefined> {
    const countable = { ...query, cursor: undefined };
    switch (query.total) {
      case 'none':
        return undefined;
      case 'estimate': {
        const { sql, params } = estimateSql(countable, tenantId);
        const result = await db.query<{ 'QUERY PLAN': unknown }>(sql, params);
        const raw = result.rows[0]?.['QUERY PLAN'];
        const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
        return Math.round(plan[0]?.Plan['Plan Rows'] ?? 0);
      }
      case 'accurate': {
        const { sql, params } = countSql(countable, tenantId);
        return Number((await db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0);
      }
      default: {
        if (!morePages) return pageSize;
        const { sql, params } = countSql(countable, tenantId, DEFAULT_TOTAL_LIMIT + 1);
        const n = Number((await db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0);
        return n > DEFAULT_TOTAL_LIMIT ? undefined : n;
      }
    }
  }
}
