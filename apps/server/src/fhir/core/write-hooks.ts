import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '../../platform/db';
import type { SearchIndexWriter } from '../search/search-index';
import { newId } from './ids';
import {
  type FhirContext,
  FhirRepository,
  type RepositoryDeps,
  type WriteManyItem,
  type WriteResult,
} from './repository';
import { readCurrentForUpdate } from './resource-store';

/**
 * Runs inside the write's transaction before a new resource of its type is stored (create, and
 * update-as-create), and returns the resource to store: modules fill in what the server assigns (a
 * patient's medical record number). The input is not yet validated; the result is.
 */
export type BeforeCreateHook = (tx: Queryable, ctx: FhirContext, resource: Resource, id: string) => Promise<Resource>;

/** What modules add to the FHIR engine's writes, given to `createFhirServices`. */
export interface FhirWriteHooks {
  /** By resource type. */
  beforeCreate?: Record<string, BeforeCreateHook>;
  /** Extra index writers, called with the search index on every write (derived tables kept in step). */
  indexes?: SearchIndexWriter[];
}

/** The search index writer followed by the extra ones, in the same transaction. */
export function withExtraIndexes(inner: SearchIndexWriter, extra: SearchIndexWriter[] = []): SearchIndexWriter {
  if (!extra.length) return inner;
  return {
    async write(db, tenantId, resourceType, id, resource) {
      await inner.write(db, tenantId, resourceType, id, resource);
      for (const writer of extra) await writer.write(db, tenantId, resourceType, id, resource);
    },
    async writeMany(db, tenantId, resources) {
      if (inner.writeMany) await inner.writeMany(db, tenantId, resources);
      else for (const r of resources) await inner.write(db, tenantId, r.resourceType, r.id!, r);
      for (const writer of extra) {
        if (writer.writeMany) await writer.writeMany(db, tenantId, resources);
        else for (const r of resources) await writer.write(db, tenantId, r.resourceType, r.id!, r);
      }
    },
  };
}

function typeOf(resource: unknown): string | undefined {
  return resource && typeof resource === 'object' ? (resource as Resource).resourceType : undefined;
}

/** The repository with `beforeCreate` hooks run on every path that makes a new resource. */
export class HookedRepository extends FhirRepository {
  constructor(
    deps: RepositoryDeps,
    private readonly hooks: Record<string, BeforeCreateHook>,
  ) {
    super(deps);
  }

  private hookFor(resource: unknown): BeforeCreateHook | undefined {
    const type = typeOf(resource);
    return type && Object.hasOwn(this.hooks, type) ? this.hooks[type] : undefined;
  }

  override async create(ctx: FhirContext, input: Resource, options: { id?: string } = {}): Promise<Resource> {
    const hook = this.hookFor(input);
    if (!hook) return super.create(ctx, input, options);
    const id = options.id ?? newId();
    return this.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      return super.create(inTx, await hook(tx, inTx, input, id), { id });
    });
  }

  override async update(
    ctx: FhirContext,
    type: string,
    id: string,
    input: Resource,
    options: { ifMatch?: string } = {},
  ): Promise<WriteResult> {
    const hook = this.hookFor(input);
    if (!hook || typeOf(input) !== type) return super.update(ctx, type, id, input, options);
    return this.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const [current] = await readCurrentForUpdate(tx, ctx.tenantId, [{ resourceType: type, id }]);
      const resource = !current || current.deleted ? await hook(tx, inTx, input, id) : input;
      return super.update(inTx, type, id, resource, options);
    });
  }

  override async writeMany(
    ctx: FhirContext,
    items: WriteManyItem[],
    failed?: (index: number, error: unknown) => unknown,
  ): Promise<WriteResult[]> {
    if (!items.some((item) => this.hookFor(item.resource))) return super.writeMany(ctx, items, failed);
    return this.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const updates = items.filter((item) => !item.create && this.hookFor(item.resource));
      const existing = new Set(
        (await readCurrentForUpdate(tx, ctx.tenantId, updates))
          .filter((row) => !row.deleted)
          .map((row) => `${row.resourceType}/${row.id}`),
      );
      const prepared: WriteManyItem[] = [];
      for (const [index, item] of items.entries()) {
        const hook = this.hookFor(item.resource);
        if (!hook || (!item.create && existing.has(`${item.resourceType}/${item.id}`))) {
          prepared.push(item);
          continue;
        }
        try {
          prepared.push({ ...item, resource: await hook(tx, inTx, item.resource, item.id) });
        } catch (error) {
          throw failed ? failed(index, error) : error;
        }
      }
      return super.writeMany(inTx, prepared, failed);
    });
  }
}
