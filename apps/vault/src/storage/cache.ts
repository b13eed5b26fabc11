import type { PhysicalStorage } from './types.js';

/**
 * A least-recently-used read cache in front of physical storage, like Vault's physical cache. It holds
 * the same ciphertext the backend stores (never plaintext) and is kept coherent because this process is
 * the only writer: writes go through and update the cache, and a read that raced with a write is not cached.
 */
export class CachedStorage implements PhysicalStorage {
  private readonly entries = new Map<string, Buffer | null>();
  private readonly generations = new Map<string, number>();
  private generation = 0;

  constructor(
    private readonly inner: PhysicalStorage,
    private readonly maxEntries = 16_384,
  ) {}

  get type(): string {
    return this.inner.type;
  }

  async open(): Promise<void> {
    await this.inner.open();
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.generations.clear();
    await this.inner.close();
  }

  private remember(key: string, value: Buffer | null): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  private bump(key: string): void {
    this.generations.set(key, ++this.generation);
  }

  async get(key: string): Promise<Buffer | null> {
    if (this.entries.has(key)) {
      const value = this.entries.get(key) ?? null;
      this.remember(key, value);
      return value;
    }
    const before = this.generations.get(key);
    const value = await this.inner.get(key);
    if (this.generations.get(key) === before) this.remember(key, value);
    return value;
  }

  async put(key: string, value: Buffer): Promise<void> {
    this.bump(key);
    this.entries.delete(key);
    await this.inner.put(key, value);
    this.bump(key);
    this.remember(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    this.bump(key);
    this.entries.delete(key);
    await this.inner.delete(key);
    this.bump(key);
    this.remember(key, null);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
}
