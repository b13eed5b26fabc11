/**
 * Physical storage: opaque bytes under slash-separated keys. The barrier encrypts everything it hands
 * down here, so a backend only ever sees ciphertext (plus the seal configuration, which holds no secret).
 */
export interface PhysicalStorage {
  readonly type: string;
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  put(key: string, value: Buffer): Promise<void>;
  delete(key: string): Promise<void>;
  /** Immediate children of a prefix ending in "/" (or ""): leaf names, and folder names with a trailing "/". */
  list(prefix: string): Promise<string[]>;
}

export function assertValidKey(key: string): void {
  if (key.length === 0 || key.startsWith('/') || key.endsWith('/') || key.includes('//')) {
    throw new Error('invalid storage key');
  }
  for (const segment of key.split('/')) {
    if (segment === '.' || segment === '..') throw new Error('invalid storage key');
  }
}
