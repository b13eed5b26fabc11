import type { Barrier } from '../barrier/barrier.js';
import { StorageView } from '../barrier/barrier.js';
import { VaultError } from '../http/errors.js';
import type { Clock } from './clock.js';
import { shortId, uuid } from './ids.js';
import type { Backend, MountContext, MountEntry, Namespace } from './types.js';

export type MountKind = 'secret' | 'auth';
export type BackendFactory = (ctx: MountContext) => Backend;

interface Tables {
  secret: MountEntry[];
  auth: MountEntry[];
}

export interface Resolved {
  entry: MountEntry;
  backend: Backend;
  /** The mount's path as seen in a request, e.g. "secret/" or "auth/userpass/". */
  mountPath: string;
  subPath: string;
}

export function namespacePrefix(namespaceId: string): string {
  return namespaceId === 'root' ? '' : `namespaces/${namespaceId}/`;
}

/** Mount tables of secrets engines and auth methods, one pair per namespace. */
export class MountManager {
  private readonly tables = new Map<string, Tables>();
  private readonly backends = new Map<string, Backend>();
  private readonly byAccessor = new Map<string, MountEntry>();

  constructor(
    private readonly barrier: Barrier,
    private readonly secretFactories: Record<string, BackendFactory>,
    private readonly authFactories: Record<string, BackendFactory>,
    private readonly builtins: { sys: Backend; token: Backend },
    private readonly clock: Clock,
  ) {}

  private view(namespaceId: string): StorageView {
    return new StorageView(this.barrier, namespacePrefix(namespaceId));
  }

  storageFor(entry: MountEntry, kind: MountKind): StorageView {
    return new StorageView(this.barrier, `${kind === 'auth' ? 'auth' : 'logical'}/${entry.uuid}/`);
  }

  isSecretType(type: string): boolean {
    return type in this.secretFactories;
  }

  isAuthType(type: string): boolean {
    return type in this.authFactories || type === 'token';
  }

  clear(): void {
    this.tables.clear();
    this.backends.clear();
    this.byAccessor.clear();
  }

  hasAccessor(accessor: string): boolean {
    return this.byAccessor.has(accessor);
  }

  /** Loads a namespace's tables, creating the built-in mounts the first time. */
  async load(ns: Namespace): Promise<void> {
    const view = this.view(ns.id);
    let secret = await view.getJson<MountEntry[]>('core/mounts');
    let auth = await view.getJson<MountEntry[]>('core/auth');
    if (!secret || !auth) {
      secret = [this.newEntry(ns, 'cubbyhole/', 'cubbyhole', 'per-token private secret storage', {}, true)];
      secret.push(
        this.newEntry(ns, 'sys/', 'system', 'system endpoints used for control, policy and debugging', {}, true),
      );
      auth = [this.newEntry(ns, 'token/', 'token', 'token based credentials', {}, true)];
      await view.putJson('core/mounts', secret);
      await view.putJson('core/auth', auth);
    }
    this.tables.set(ns.id, { secret, auth });
    for (const entry of secret) this.activate(entry, 'secret');
    for (const entry of auth) this.activate(entry, 'auth');
  }

  unload(namespaceId: string): void {
    const tables = this.tables.get(namespaceId);
    if (!tables) return;
    for (const entry of [...tables.secret, ...tables.auth]) {
      this.backends.delete(entry.uuid);
      this.byAccessor.delete(entry.accessor);
    }
    this.tables.delete(namespaceId);
  }

  private newEntry(
    ns: Namespace,
    path: string,
    type: string,
    description: string,
    options: Record<string, string>,
    builtin = false,
  ): MountEntry {
    return {
      path,
      type,
      description,
      uuid: uuid(),
      accessor: `${type === 'kv' ? 'kv' : type}_${shortId(8)}`,
      config: { default_lease_ttl: 0, max_lease_ttl: 0 },
      options,
      local: false,
      seal_wrap: false,
      namespaceId: ns.id,
      ...(builtin ? { builtin } : {}),
    };
  }

  private activate(entry: MountEntry, kind: MountKind): void {
    this.byAccessor.set(entry.accessor, entry);
    if (entry.type === 'system' || entry.type === 'token') return;
    const factories = kind === 'auth' ? this.authFactories : this.secretFactories;
    const factory = factories[entry.type];
    if (!factory) return;
    this.backends.set(entry.uuid, factory({ entry, storage: this.storageFor(entry, kind), clock: this.clock }));
  }

  private tablesOf(namespaceId: string): Tables {
    const tables = this.tables.get(namespaceId);
    if (!tables) throw VaultError.internal('namespace mount table not loaded');
    return tables;
  }

  list(namespaceId: string, kind: MountKind): MountEntry[] {
    return [...this.tablesOf(namespaceId)[kind]];
  }

  find(namespaceId: string, kind: MountKind, path: string): MountEntry | undefined {
    const normal = normalisePath(path);
    return this.tablesOf(namespaceId)[kind].find((e) => e.path === normal);
  }

  async mount(
    ns: Namespace,
    kind: MountKind,
    rawPath: string,
    type: string,
    description: string,
    config: { default_lease_ttl: number; max_lease_ttl: number },
    options: Record<string, string>,
  ): Promise<MountEntry> {
    const path = normalisePath(rawPath);
    if (path === '/' || path === '') throw VaultError.badRequest('path cannot be empty');
    const tables = this.tablesOf(ns.id);
    const reserved = kind === 'secret' ? ['sys/', 'auth/', 'cubbyhole/', 'identity/'] : ['token/'];
    if (reserved.some((r) => path.startsWith(r))) {
      throw VaultError.badRequest(`cannot mount at reserved path "${path}"`);
    }
    for (const existing of tables[kind]) {
      if (existing.path.startsWith(path) || path.startsWith(existing.path)) {
        throw VaultError.badRequest(`path is already in use at ${existing.path}`);
      }
    }
    const entry = this.newEntry(ns, path, type, description, options);
    entry.config = { ...entry.config, ...config };
    tables[kind].push(entry);
    await this.save(ns.id, kind);
    this.activate(entry, kind);
    return entry;
  }

  async unmount(ns: Namespace, kind: MountKind, rawPath: string): Promise<void> {
    const path = normalisePath(rawPath);
    const tables = this.tablesOf(ns.id);
    const entry = tables[kind].find((e) => e.path === path);
    if (!entry) return;
    if (entry.builtin) throw VaultError.badRequest(`cannot unmount "${path}"`);
    tables[kind] = tables[kind].filter((e) => e !== entry);
    await this.save(ns.id, kind);
    this.backends.delete(entry.uuid);
    this.byAccessor.delete(entry.accessor);
    await this.storageFor(entry, kind).clear();
  }

  async save(namespaceId: string, kind: MountKind): Promise<void> {
    const tables = this.tablesOf(namespaceId);
    await this.view(namespaceId).putJson(kind === 'auth' ? 'core/auth' : 'core/mounts', tables[kind]);
  }

  /** Finds the mount that serves a request path in a namespace. */
  resolve(namespaceId: string, path: string): Resolved | null {
    const tables = this.tablesOf(namespaceId);
    if (path === 'sys' || path.startsWith('sys/')) {
      const entry = tables.secret.find((e) => e.type === 'system') as MountEntry;
      return { entry, backend: this.builtins.sys, mountPath: 'sys/', subPath: path.slice(4) };
    }
    if (path.startsWith('auth/')) {
      const rest = path.slice(5);
      const entry = longest(tables.auth, rest);
      if (!entry) return null;
      const backend = entry.type === 'token' ? this.builtins.token : this.backends.get(entry.uuid);
      if (!backend) return null;
      return { entry, backend, mountPath: `auth/${entry.path}`, subPath: rest.slice(entry.path.length) };
    }
    const entry = longest(tables.secret, path);
    if (!entry) return null;
    const backend = this.backends.get(entry.uuid);
    if (!backend) return null;
    return { entry, backend, mountPath: entry.path, subPath: path.slice(entry.path.length) };
  }
}

function longest(entries: MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const entry of entries) {
    const matches = path.startsWith(entry.path) || `${path}/` === entry.path;
    if (matches && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

export function normalisePath(path: string): string {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : '';
}
