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
import { readCurrentForUpdate, type StoredVersion } from './resource-store';

/** One resource about to be written: `current` is the stored version, undefined on create. */
export interface PendingWrite {
  resource: Resource;
  id: string;
  current: Resource | undefined;
}

/**
 * Runs inside the write's transaction before resources of its type are created or updated (not
 * patched), all of one request at once (a Bundle's in one call), and returns for each the resource to
 * store or the error refusing it: modules fill in and keep what the server assigns (a patient's medical
 * record number). The input is not yet validated; the result is.
 */
export type BeforeWriteHook = (
  tx: Queryable,
  ctx: FhirContext,
  writes: PendingWrite[],
) => Promise<({ resource: Resource } | { error: unknown })[]>;

async function runHook(hook: BeforeWriteHook, tx: Queryable, ctx: FhirContext, write: PendingWrite): Promise<Resource> {
  const [result] = await hook(tx, ctx, [write]);
  if (!result || 'error' in result) throw result?.error ?? new Error('A write hook returned nothing');
  return result.resource;
}

/** What modules add to the FHIR engine's writes, given to `createFhirServices`. */
export interface FhirWriteHooks {
  /** By resource type. */
  beforeWrite?: Record<string, BeforeWriteHook>;
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

function storedResource(row: StoredVersion | undefined): Resource | undefined {
  return row && !row.deleted && row.content ? (JSON.parse(row.content) as Resource) : undefined;
}

/** The repository with `beforeWrite` hooks run on create, update and bulk writes. */
export class HookedRepository extends FhirRepository {
  constructor(
    deps: RepositoryDeps,
    private readonly hooks: Record<string, BeforeWriteHook>,
  ) {
    super(deps);
  }

  private hookFor(resource: unknown): BeforeWriteHook | undefined {
    const type = typeOf(resource);
    return type && Object.hasOwn(this.hooks, type) ? this.hooks[type] : undefined;
  }

  override async create(ctx: FhirContext, input: Resource, options: { id?: string } = {}): Promise<Resource> {
    const hook = this.hookFor(input);
    if (!hook) return super.create(ctx, input, options);
    const id = options.id ?? newId();
    return this.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      return super.create(inTx, await runHook(hook, tx, inTx, { resource: input, id, current: undefined }), { id });
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
      const ref = [{ resourceType: type, id }];
      const [current] = await readCurrentForUpdate(tx, ctx.tenantId, ref);
      let resource = await runHook(hook, tx, inTx, { resource: input, id, current: storedResource(current) });
      if (!storedResource(current)) {
        // The hook may have waited on a lock while another request created the same id: decide again with it.
        const [appeared] = await readCurrentForUpdate(tx, ctx.tenantId, ref);
        const now = storedResource(appeared);
        if (now) resource = await runHook(hook, tx, inTx, { resource: input, id, current: now });
      }
      return super.update(inTx, type, id, resource, options);
    });
  }

  /**
   * A patch is applied first, then shown to the hook like an update: a refusal rolls it back, and what
   * the hook puts back (a medical record number the patch removed) is written as the next version.
   */
  override async patch(
    ctx: FhirContext,
    type: string,
    id: string,
    operations: unknown,
    options: { ifMatch?: string } = {},
  ): Promise<Resource> {
    const hook = Object.hasOwn(this.hooks, type) ? this.hooks[type] : undefined;
    if (!hook) return super.patch(ctx, type, id, operations, options);
    return this.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const [before] = await readCurrentForUpdate(tx, ctx.tenantId, [{ resourceType: type, id }]);
      const patched = await super.patch(inTx, type, id, operations, options);
      const [result] = await hook(tx, inTx, [{ resource: patched, id, current: storedResource(before) }]);
      if (!result || 'error' in result) throw result?.error ?? new Error('A write hook returned nothing');
      if (result.resource === patched) return patched;
      return (await super.update(inTx, type, id, result.resource)).resource;
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
      const existing = new Map(
        (await readCurrentForUpdate(tx, ctx.tenantId, updates)).map((row) => [`${row.resourceType}/${row.id}`, row]),
      );
      const prepared = [...items];
      // Each hook once, with all of its type's writes.
      const byHook = new Map<BeforeWriteHook, number[]>();
      for (const [index, item] of items.entries()) {
        const hook = this.hookFor(item.resource);
        if (hook) byHook.set(hook, [...(byHook.get(hook) ?? []), index]);
      }
      for (const [hook, indexes] of byHook) {
        const writes = indexes.map((index) => {
          const item = items[index]!;
          const current = item.create ? undefined : storedResource(existing.get(`${item.resourceType}/${item.id}`));
          return { resource: item.resource, id: item.id, current };
        });
        const results = await hook(tx, inTx, writes);
        // The hook may have waited on a lock while other requests created some of the ids: decide again for those.
        const unsure = indexes.filter((index, position) => !items[index]!.create && !writes[position]!.current);
        if (unsure.length) {
          const appeared = new Map(
            (
              await readCurrentForUpdate(
                tx,
                ctx.tenantId,
                unsure.map((index) => items[index]!),
              )
            )
              .filter((row) => !row.deleted)
              .map((row) => [`${row.resourceType}/${row.id}`, storedResource(row)]),
          );
          const again = indexes.flatMap((index, position) => {
            const current = appeared.get(`${items[index]!.resourceType}/${items[index]!.id}`);
            return current ? [{ position, write: { ...writes[position]!, current } }] : [];
          });
          if (again.length) {
            const redone = await hook(
              tx,
              inTx,
              again.map(({ write }) => write),
            );
            for (const [i, { position }] of again.entries()) results[position] = redone[i]!;
          }
        }
        for (const [position, index] of indexes.entries()) {
          const result = results[position];
          if (!result || 'error' in result) {
            const error = result?.error ?? new Error('A write hook returned nothing');
            throw failed ? failed(index, error) : error;
          }
          prepared[index] = { ...items[index]!, resource: result.resource };
        }
      }
      return super.writeMany(inTx, prepared, failed);
    });
  }
}
