import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertValidKey, type PhysicalStorage } from './types.js';

/**
 * File storage: one file per key under a root folder, laid out as the key's path. Leaf files carry a "_"
 * prefix so that a key and a folder of the same name can coexist. Writes go to a temporary file that is
 * fsynced and then renamed over the target (and the folder fsynced), so a crash leaves either the old or
 * the new value, never a torn one.
 */
export class FileStorage implements PhysicalStorage {
  readonly type = 'file';

  constructor(private readonly root: string) {}

  async open(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
  }

  async close(): Promise<void> {}

  private segments(key: string): string[] {
    return key.split('/').map((s) => encodeSegment(s));
  }

  private fileFor(key: string): string {
    assertValidKey(key);
    const parts = this.segments(key);
    const leaf = parts.pop() as string;
    return join(this.root, ...parts, `_${leaf}`);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.fileFor(key));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async put(key: string, value: Buffer): Promise<void> {
    const file = this.fileFor(key);
    const dir = dirname(file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `.tmp-${randomBytes(6).toString('hex')}`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(value);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDir(dir);
  }

  async delete(key: string): Promise<void> {
    const file = this.fileFor(key);
    await rm(file, { force: true });
    // Remove now-empty folders up to the root, like Vault's file backend.
    let dir = dirname(file);
    while (dir.length > this.root.length && dir.startsWith(this.root)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
      dir = dirname(dir);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const parts = prefix === '' ? [] : this.segments(prefix.replace(/\/$/, ''));
    let names: string[];
    try {
      names = await readdir(join(this.root, ...parts));
    } catch (err) {
      if (isMissing(err) || isNotDir(err)) return [];
      throw err;
    }
    const out: string[] = [];
    for (const name of names) {
      if (name.startsWith('.tmp-')) continue;
      if (name.startsWith('_')) out.push(decodeSegment(name.slice(1)));
      else out.push(`${decodeSegment(name)}/`);
    }
    return out.sort();
  }
}

/** Makes any key segment a safe file name (no separators, no leading dot or underscore clashes). */
function encodeSegment(segment: string): string {
  return segment.replace(/[^A-Za-z0-9-]/g, (c) => {
    const hex = Buffer.from(c, 'utf8').toString('hex');
    return hex.replace(/(..)/g, '%$1');
  });
}

function decodeSegment(segment: string): string {
  return decodeURIComponent(segment);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems do not support fsync on folders; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function isNotDir(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOTDIR';
}
