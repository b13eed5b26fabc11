import type { StorageView } from '../barrier/barrier.js';
import { VaultError } from '../http/errors.js';
import { randomBase62 } from './ids.js';
import { type Namespace, ROOT_NAMESPACE } from './types.js';

const RESERVED = new Set(['root', 'sys', 'audit', 'auth', 'cubbyhole', 'identity']);

/** Namespaces, kept in memory and stored in the root namespace's storage. */
export class NamespaceStore {
  private readonly byId = new Map<string, Namespace>([['root', ROOT_NAMESPACE]]);
  private readonly byPath = new Map<string, Namespace>([['', ROOT_NAMESPACE]]);

  constructor(private readonly storage: StorageView) {}

  async load(): Promise<Namespace[]> {
    this.byId.clear();
    this.byPath.clear();
    this.byId.set('root', ROOT_NAMESPACE);
    this.byPath.set('', ROOT_NAMESPACE);
    const out: Namespace[] = [];
    for (const id of await this.storage.list('')) {
      const ns = await this.storage.getJson<Namespace>(id);
      if (!ns) continue;
      this.byId.set(ns.id, ns);
      this.byPath.set(ns.path, ns);
      out.push(ns);
    }
    return out;
  }

  get(id: string): Namespace | undefined {
    return this.byId.get(id);
  }

  byFullPath(path: string): Namespace | undefined {
    return this.byPath.get(normaliseNamespace(path));
  }

  /** Child namespaces directly below a parent. */
  children(parent: Namespace): Namespace[] {
    return [...this.byPath.values()].filter((ns) => {
      if (ns.path === parent.path || !ns.path.startsWith(parent.path)) return false;
      return !ns.path.slice(parent.path.length, -1).includes('/');
    });
  }

  async create(parent: Namespace, name: string, customMetadata: Record<string, string>): Promise<Namespace> {
    const clean = name.replace(/^\/+|\/+$/g, '');
    if (!clean || clean.includes('/')) throw VaultError.badRequest('namespace name must be a single path segment');
    if (RESERVED.has(clean))
      throw VaultError.badRequest(`"${clean}" is a reserved path and cannot be used as a namespace`);
    if (!/^[A-Za-z0-9_.-]+$/.test(clean)) throw VaultError.badRequest('namespace name contains invalid characters');
    const path = `${parent.path}${clean}/`;
    const existing = this.byPath.get(path);
    if (existing) return existing;
    let id = randomBase62(5);
    while (this.byId.has(id)) id = randomBase62(5);
    const ns: Namespace = { id, path, customMetadata };
    await this.storage.putJson(id, ns);
    this.byId.set(id, ns);
    this.byPath.set(path, ns);
    return ns;
  }

  async update(ns: Namespace): Promise<void> {
    await this.storage.putJson(ns.id, ns);
  }

  async delete(ns: Namespace): Promise<void> {
    if (this.children(ns).length > 0) {
      throw VaultError.badRequest(`cannot delete namespace ("${ns.path}") containing child namespaces`);
    }
    await this.storage.delete(ns.id);
    this.byId.delete(ns.id);
    this.byPath.delete(ns.path);
  }

  /** True when `ancestor` is `ns` or one of its parents. */
  static contains(ancestor: Namespace, ns: Namespace): boolean {
    return ns.path.startsWith(ancestor.path);
  }
}

export function normaliseNamespace(path: string): string {
  const trimmed = path.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed === 'root') return '';
  return `${trimmed}/`;
}
