import type { Meta, Resource } from '@medplum/fhirtypes';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { Database, Queryable } from '../../platform/db';
import type { SearchIndexWriter } from '../search/search-index';
import { type AccessGuard, accessErrors, authorize, rowVisible, typeScope } from './access';
import { isResourceType } from './definitions';
import { isValidId, newId, parseEtag } from './ids';
import { fhirErrors } from './outcome';
import { mayChange, mayWrite, readVisible } from './repository-access';
import {
  type HistoryQuery,
  readCurrent,
  readCurrentForUpdate,
  readHistory,
  readVersion,
  rewriteCurrentVersion,
  type StoredVersion,
  writeVersion,
  writeVersions,
} from './resource-store';
import { canonical, parseStored, stamp, withoutServerMeta } from './resource-version';
import { hasErrors, validateFhirResource } from './validator';
import type { FhirWriteEvent, FhirWriteListener } from './write-observer';

/** Who is asking, for which tenant, and (inside a transaction bundle) on which open transaction. */
export interface FhirContext {
  tenantId: string;
  /** Set while running inside a transaction: every step then shares it. */
  tx?: Queryable;
  /** The caller's access guard (see access.ts); absent for the server's own work. */
  access?: AccessGuard;
}

export interface WriteResult {
  resource: Resource;
  created: boolean;
}

/** One write of a bulk load: a create with a chosen id, or an update (update-as-create when it is new). */
export interface WriteManyItem {
  resourceType: string;
  id: string;
  resource: Resource;
  /** A create: the id must be new. Otherwise an update, which the resource's own id must match. */
  create: boolean;
  ifMatch?: string;
}

/**
 * A domain rule checked before a write is stored (a state machine, a signed document that may no longer
 * change). `before` is the current version (undefined on create), `after` the new one (undefined on
 * delete). It throws a FhirError to refuse the write; every write path (REST, bundles, imports) runs it.
 */
export type WriteGuard = (change: { id: string; before?: Resource; after?: Resource }) => void;

export { parseStored } from './resource-version';

export interface RepositoryDeps {
  db: Database;
  index: SearchIndexWriter;
  now?: () => Date;
}

/**
 * The FHIR resource store's behaviour: ids, versions, validation, history and the search index, all
 * inside one transaction per write. It knows nothing of HTTP.
 */
export class FhirRepository {
  private readonly now: () => Date;
  private readonly guards = new Map<string, WriteGuard[]>();

  constructor(private readonly deps: RepositoryDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private readonly writeListeners: FhirWriteListener[] = [];

  /** Adds a listener called inside every write's transaction (audit trail, outbox): see write-observer.ts. */
  onWrite(listener: FhirWriteListener): void {
    this.writeListeners.push(listener);
  }

  private async notify(tx: Queryable, ctx: FhirContext, events: Omit<FhirWriteEvent, 'tenantId'>[]): Promise<void> {
    if (!events.length) return;
    const full = events.map((event) => ({ tenantId: ctx.tenantId, ...event }));
    for (const listener of this.writeListeners) await listener(tx, full, ctx);
  }

  /** Adds a rule every write of `resourceType` must pass. */
  addWriteGuard(resourceType: string, guard: WriteGuard): void {
    this.guards.set(resourceType, [...(this.guards.get(resourceType) ?? []), guard]);
  }

  private guard(type: string, id: string, current: StoredVersion | undefined, after: Resource | undefined): void {
    const guards = this.guards.get(type);
    if (!guards) return;
    const before = current && !current.deleted ? parseStored(current) : undefined;
    for (const guard of guards) guard({ id, ...(before ? { before } : {}), ...(after ? { after } : {}) });
  }

  /** Runs `work` in the context's transaction, or in a new one for this tenant. */
  async inTransaction<T>(ctx: FhirContext, work: (tx: Queryable) => Promise<T>): Promise<T> {
    if (ctx.tx) return work(ctx.tx);
    return this.deps.db.transaction(ctx.tenantId, work);
  }

  /** Runs a read on the context's transaction, or on a tenant-scoped connection. */
  async reading<T>(ctx: FhirContext, work: (db: Queryable) => Promise<T>): Promise<T> {
    if (ctx.tx) return work(ctx.tx);
    return this.deps.db.withTenant(ctx.tenantId, work);
  }

  /**
   * Whether the caller may carry out `interaction` (an operation's `$name`) on `resourceType` ('System'
   * for system-level operations); a 403 when not. Operations with no grant of their own fall back to
   * `fallback` (read for those that change nothing), unless they must always be granted by name.
   */
  async authorizeOperation(ctx: FhirContext, name: string, resourceType: string, fallback?: string): Promise<void> {
    const { access } = ctx;
    if (!access) return;
    await this.reading(ctx, async (db) => {
      if ((await access.decide(db, `$${name}`, resourceType)).allowed) return;
      if (fallback && (await access.decide(db, fallback, resourceType)).allowed) return;
      throw accessErrors.forbidden(`$${name}`, resourceType);
    });
  }

  /** Checks the resource against the base definitions without storing it. */
  validate(resource: unknown, expectedType?: string): Resource {
    if (!resource || typeof resource !== 'object' || Array.isArray(resource)) {
      throw fhirErrors.invalid('The body must be a FHIR resource (a JSON object)');
    }
    const candidate = resource as Resource;
    if (typeof candidate.resourceType !== 'string' || !isResourceType(candidate.resourceType)) {
      throw fhirErrors.invalid(`Unknown or missing resourceType '${String(candidate.resourceType)}'`, 'resourceType');
    }
    if (expectedType && candidate.resourceType !== expectedType) {
      throw fhirErrors.invalid(
        `resourceType '${candidate.resourceType}' does not match the URL's '${expectedType}'`,
        'resourceType',
      );
    }
    const issues = validateFhirResource(candidate);
    if (hasErrors(issues)) throw fhirErrors.invalidResource(issues);
    return candidate;
  }

  async create(ctx: FhirContext, input: Resource, options: { id?: string } = {}): Promise<Resource> {
    const resource = this.validate(input);
    const id = options.id ?? newId();
    this.guard(resource.resourceType, id, undefined, resource);
    return this.inTransaction(ctx, async (tx) => {
      await mayWrite(ctx, tx, 'create', undefined, resource);
      const stored = await this.write(tx, ctx.tenantId, resource, id, 1, 'POST', true);
      if (!stored) throw fhirErrors.concurrentWrite(resource.resourceType, id);
      await this.notify(tx, ctx, [
        {
          action: 'create',
          resourceType: stored.resourceType,
          id,
          versionId: 1,
          resource: stored,
        },
      ]);
      return stored;
    });
  }

  async read(ctx: FhirContext, type: string, id: string): Promise<Resource> {
    this.checkType(type);
    if (!isValidId(id)) throw fhirErrors.notFound(type, id);
    const stored = await this.reading(ctx, (db) => readVisible(ctx, db, 'read', type, id));
    return parseStored(stored);
  }

  /** The stored JSON text of the current version, for serving without parsing it again. */
  async readRaw(ctx: FhirContext, type: string, id: string): Promise<StoredVersion> {
    this.checkType(type);
    if (!isValidId(id)) throw fhirErrors.notFound(type, id);
    return this.reading(ctx, (db) => readVisible(ctx, db, 'read', type, id));
  }

  async vread(ctx: FhirContext, type: string, id: string, versionId: string): Promise<StoredVersion> {
    this.checkType(type);
    const version = Number(versionId);
    if (!isValidId(id) || !Number.isInteger(version) || version < 1) {
      throw fhirErrors.versionNotFound(type, id, versionId);
    }
    return this.reading(ctx, async (db) => {
      const filter = await authorize(ctx.access, db, 'vread', type);
      const stored = await readVersion(db, ctx.tenantId, type, id, version);
      if (!stored) throw fhirErrors.versionNotFound(type, id, versionId);
      if (stored.deleted) throw fhirErrors.gone(type, id);
      if (!rowVisible(filter, parseStored(stored))) throw fhirErrors.versionNotFound(type, id, versionId);
      return stored;
    });
  }

  /** Update, or create with the client's id when none exists (update-as-create). */
  async update(
    ctx: FhirContext,
    type: string,
    id: string,
    input: Resource,
    options: { ifMatch?: string } = {},
  ): Promise<WriteResult> {
    this.checkType(type);
    if (!isValidId(id)) throw fhirErrors.invalid(`'${id}' is not a valid resource id`, 'id');
    if (!input || typeof input !== 'object') throw fhirErrors.invalid('The body must be a FHIR resource');
    if (input.id === undefined) throw fhirErrors.invalid('The resource must carry the id given in the URL', 'id');
    if (input.id !== id) throw fhirErrors.invalid(`Resource id '${input.id}' does not match the URL's '${id}'`, 'id');
    const resource = this.validate(input, type);
    return this.inTransaction(ctx, async (tx) => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const current = await readCurrent(tx, ctx.tenantId, type, id, true);
        await mayWrite(ctx, tx, 'update', current, resource);
        this.checkIfMatch(type, id, current, options.ifMatch);
        if (current && !current.deleted && this.unchanged(current, resource)) {
          return { resource: parseStored(current), created: false };
        }
        this.guard(type, id, current, resource);
        const versionId = (current?.versionId ?? 0) + 1;
        const stored = await this.write(tx, ctx.tenantId, resource, id, versionId, 'PUT', !current);
        if (stored) {
          await this.notify(tx, ctx, [
            {
              action: current ? 'update' : 'create',
              resourceType: type,
              id,
              versionId,
              resource: stored,
            },
          ]);
          return { resource: stored, created: !current || current.deleted };
        }
        // Another request created the same id between our read and our insert: read it again, now locked.
      }
      throw fhirErrors.concurrentWrite(type, id);
    });
  }

  /**
   * Creates and updates many resources with the same rules as `create` and `update` (validation, ids,
   * If-Match, unchanged updates keep their version), in a handful of statements instead of several per
   * resource: transaction Bundles and imports use it. `failed` turns the error of item i into what is
   * thrown (e.g. an error naming the Bundle entry); the first failing item stops everything.
   */
  async writeMany(
    ctx: FhirContext,
    items: WriteManyItem[],
    failed: (index: number, error: unknown) => unknown = (_index, error) => error,
  ): Promise<WriteResult[]> {
    const resources = items.map((item, index) => {
      try {
        this.checkType(item.resourceType);
        if (!isValidId(item.id)) throw fhirErrors.invalid(`'${item.id}' is not a valid resource id`, 'id');
        if (!item.create && item.resource?.id !== item.id) {
          throw fhirErrors.invalid(
            item.resource?.id === undefined
              ? 'The resource must carry the id given in the URL'
              : `Resource id '${item.resource.id}' does not match the URL's '${item.id}'`,
            'id',
          );
        }
        return this.validate(item.resource, item.resourceType);
      } catch (error) {
        throw failed(index, error);
      }
    });
    const keys = items.map((item) => `${item.resourceType}/${item.id}`);
    if (new Set(keys).size !== keys.length) throw fhirErrors.invalid('The same resource is written twice');
    return this.inTransaction(ctx, async (tx) => {
      const updates = items.filter((item) => !item.create);
      const current = new Map(
        (await readCurrentForUpdate(tx, ctx.tenantId, updates)).map((row) => [`${row.resourceType}/${row.id}`, row]),
      );
      for (const [index, item] of items.entries()) {
        try {
          const existing = item.create ? undefined : current.get(keys[index]!);
          await mayWrite(ctx, tx, item.create ? 'create' : 'update', existing, resources[index]!);
        } catch (error) {
          throw failed(index, error);
        }
      }
      const lastUpdated = this.now().toISOString();
      const results: WriteResult[] = [];
      const versions: Parameters<typeof writeVersions>[2] = [];
      const indexed: { index: number; resource: Resource }[] = [];
      items.forEach((item, index) => {
        const existing = item.create ? undefined : current.get(keys[index]!);
        if (!item.create) {
          try {
            this.checkIfMatch(item.resourceType, item.id, existing, item.ifMatch);
          } catch (error) {
            throw failed(index, error);
          }
          if (existing && !existing.deleted && this.unchanged(existing, resources[index]!)) {
            results[index] = { resource: parseStored(existing), created: false };
            return;
          }
        }
        try {
          this.guard(item.resourceType, item.id, existing, resources[index]!);
        } catch (error) {
          throw failed(index, error);
        }
        const versionId = (existing?.versionId ?? 0) + 1;
        const resource = stamp(resources[index]!, item.id, versionId, lastUpdated);
        versions.push({
          resourceType: item.resourceType,
          id: item.id,
          versionId,
          lastUpdated,
          deleted: false,
          content: JSON.stringify(resource),
          method: item.create ? 'POST' : 'PUT',
          expectNew: !existing,
        });
        indexed.push({ index, resource });
        results[index] = { resource, created: item.create || !existing || existing.deleted };
      });
      const conflicts = await writeVersions(tx, ctx.tenantId, versions);
      if (conflicts.length) {
        const index = keys.indexOf(conflicts[0]!);
        const [type, id] = conflicts[0]!.split('/') as [string, string];
        throw failed(index, fhirErrors.concurrentWrite(type, id));
      }
      const { index: writer } = this.deps;
      if (writer.writeMany) {
        await writer.writeMany(
          tx,
          ctx.tenantId,
          indexed.map(({ resource }) => resource),
        );
      } else {
        for (const { resource } of indexed) {
          await writer.write(tx, ctx.tenantId, resource.resourceType, resource.id!, resource);
        }
      }
      // versions[i] is the version written for indexed[i].
      await this.notify(
        tx,
        ctx,
        indexed.map(({ resource }, position) => {
          const { resourceType, id, versionId, expectNew } = versions[position]!;
          return {
            action: expectNew ? ('create' as const) : ('update' as const),
            resourceType,
            id,
            versionId,
            resource,
          };
        }),
      );
      return results;
    });
  }

  async patch(
    ctx: FhirContext,
    type: string,
    id: string,
    operations: unknown,
    options: { ifMatch?: string } = {},
  ): Promise<Resource> {
    this.checkType(type);
    if (!Array.isArray(operations)) throw fhirErrors.invalid('A JSON Patch body is an array of operations');
    return this.inTransaction(ctx, async (tx) => {
      const current = await readCurrent(tx, ctx.tenantId, type, id, true);
      if (!current) throw fhirErrors.notFound(type, id);
      if (current.deleted) throw fhirErrors.gone(type, id);
      await mayChange(ctx, tx, 'patch', current);
      this.checkIfMatch(type, id, current, options.ifMatch);
      const document = parseStored(current);
      let patched: Resource;
      try {
        const problem = fastJsonPatch.validate(operations as Operation[], document);
        if (problem) throw problem;
        patched = fastJsonPatch.applyPatch(document, operations as Operation[], false, false).newDocument;
      } catch (error) {
        const failure = error as { message?: string; index?: number };
        const where = failure.index === undefined ? undefined : `[${failure.index}]`;
        throw fhirErrors.invalid(`JSON Patch could not be applied: ${failure.message ?? 'invalid patch'}`, where);
      }
      if (patched.resourceType !== type || patched.id !== id) {
        throw fhirErrors.invalid('A patch may not change resourceType or id', 'id');
      }
      const resource = this.validate(patched, type);
      if (this.unchanged(current, resource)) return parseStored(current);
      await mayWrite(ctx, tx, 'patch', current, resource);
      this.guard(type, id, current, resource);
      const stored = await this.write(tx, ctx.tenantId, resource, id, current.versionId + 1, 'PATCH', false);
      await this.notify(tx, ctx, [
        {
          action: 'patch',
          resourceType: type,
          id,
          versionId: current.versionId + 1,
          resource: stored!,
        },
      ]);
      return stored as Resource;
    });
  }

  /** Deletes (a new, empty version). Returns false when the resource was already deleted. */
  async delete(ctx: FhirContext, type: string, id: string, options: { ifMatch?: string } = {}): Promise<boolean> {
    this.checkType(type);
    if (!isValidId(id)) throw fhirErrors.notFound(type, id);
    return this.inTransaction(ctx, async (tx) => {
      const current = await readCurrent(tx, ctx.tenantId, type, id, true);
      if (!current) throw fhirErrors.notFound(type, id);
      if (current.deleted) return false;
      await mayChange(ctx, tx, 'delete', current);
      this.checkIfMatch(type, id, current, options.ifMatch);
      this.guard(type, id, current, undefined);
      const version = {
        resourceType: type,
        id,
        versionId: current.versionId + 1,
        lastUpdated: this.now().toISOString(),
        deleted: true,
        content: null,
        method: 'DELETE',
      };
      await writeVersion(tx, ctx.tenantId, version, false);
      await this.deps.index.write(tx, ctx.tenantId, type, id, null);
      const deleted = this.writeListeners.length ? parseStored(current) : undefined;
      await this.notify(tx, ctx, [
        {
          action: 'delete',
          resourceType: type,
          id,
          versionId: version.versionId,
          ...(deleted ? { resource: deleted } : {}),
        },
      ]);
      return true;
    });
  }

  /**
   * Changes the tags, profiles and security labels of the current version without making a new one, as
   * $meta-add and $meta-delete require (meta does not change what the record says). versionId and
   * lastUpdated stay; the search index follows.
   */
  async changeMeta(ctx: FhirContext, type: string, id: string, change: (meta: Meta) => Meta): Promise<Resource> {
    this.checkType(type);
    if (!isValidId(id)) throw fhirErrors.notFound(type, id);
    return this.inTransaction(ctx, async (tx) => {
      const current = await readCurrent(tx, ctx.tenantId, type, id, true);
      if (!current) throw fhirErrors.notFound(type, id);
      if (current.deleted) throw fhirErrors.gone(type, id);
      await mayChange(ctx, tx, 'update', current);
      const before = parseStored(current);
      const { versionId: _version, lastUpdated: _updated, ...kept } = before.meta ?? {};
      const changed = change(kept);
      const meta: Meta = { ...changed, versionId: String(current.versionId), lastUpdated: current.lastUpdated };
      for (const key of ['tag', 'security', 'profile'] as const) if (!meta[key]?.length) delete meta[key];
      const resource = this.validate({ ...before, meta }, type);
      await rewriteCurrentVersion(tx, ctx.tenantId, {
        resourceType: type,
        id,
        versionId: current.versionId,
        content: JSON.stringify(resource),
      });
      await this.deps.index.write(tx, ctx.tenantId, type, id, resource);
      await this.notify(tx, ctx, [{ action: 'meta', resourceType: type, id, versionId: current.versionId, resource }]);
      return resource;
    });
  }

  async history(ctx: FhirContext, query: HistoryQuery): Promise<StoredVersion[]> {
    if (query.resourceType) this.checkType(query.resourceType);
    return this.reading(ctx, async (db) => {
      if (query.resourceType) await authorize(ctx.access, db, 'history', query.resourceType);
      const scope = await typeScope(ctx.access, db, 'history', query.resourceType ? [query.resourceType] : undefined);
      return readHistory(db, ctx.tenantId, scope ? { ...query, scope } : query);
    });
  }

  checkType(type: string): void {
    if (!isResourceType(type)) throw fhirErrors.unknownType(type);
  }

  private checkIfMatch(type: string, id: string, current: StoredVersion | undefined, ifMatch?: string): void {
    if (ifMatch === undefined) return;
    const expected = parseEtag(ifMatch);
    const actual = current && !current.deleted ? current.versionId : 0;
    if (!expected || String(actual) !== expected) {
      throw fhirErrors.versionConflict(type, id, expected ?? ifMatch, actual);
    }
  }

  /** An update that changes nothing but meta's server fields keeps the current version (no new history). */
  private unchanged(current: StoredVersion, next: Resource): boolean {
    const before = parseStored(current);
    return canonical(withoutServerMeta(before)) === canonical(withoutServerMeta(next));
  }

  private async write(
    tx: Queryable,
    tenantId: string,
    input: Resource,
    id: string,
    versionId: number,
    method: string,
    expectNew: boolean,
  ): Promise<Resource | undefined> {
    const lastUpdated = this.now().toISOString();
    const resource = stamp(input, id, versionId, lastUpdated);
    const { resourceType } = resource;
    const written = await writeVersion(
      tx,
      tenantId,
      { resourceType, id, versionId, lastUpdated, deleted: false, content: JSON.stringify(resource), method },
      expectNew,
    );
    if (!written) return undefined;
    await this.deps.index.write(tx, tenantId, resourceType, id, resource);
    return resource;
  }
}
