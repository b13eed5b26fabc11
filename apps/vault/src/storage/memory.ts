import { assertValidKey, type PhysicalStorage } from './types.js';

/** In-memory storage for unit tests. */
export class MemoryStorage implements PhysicalStorage {
  readonly type = 'inmem';
  readonly entries = new Map<string, Buffer>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async get(key: string): Promise<Buffer | null> {
    const value = this.entries.get(key);
    return value ? Buffer.from(value) : null;
  }

  async put(key: string, value: Buffer): Promise<void> {
    assertValidKey(key);
    this.entries.set(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    const out = new Set<string>();
    for (const key of this.entries.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      out.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return [...out].sort();
  }
}
