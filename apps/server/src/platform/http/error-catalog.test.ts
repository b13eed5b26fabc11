import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..');
const CATALOG = join(SRC, '..', '..', '..', 'docs', 'errors.md');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Codes raised in the code: Meridian's typed errors and the generic problem codes. */
function codesInSource(): Set<string> {
  const codes = new Set<string>();
  const patterns = [
    /new AppError\(\s*\d+,\s*'([A-Z][A-Z0-9_]+)'/g,
    /'(FHIR_[A-Z0-9_]+)'/g,
    /problemCode\('([A-Z][A-Z0-9_]+)'\)/g,
  ];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) codes.add(match[match.length - 1]!);
    }
  }
  return codes;
}

function codesInCatalog(): Set<string> {
  const text = readFileSync(CATALOG, 'utf8');
  return new Set([...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((match) => match[1]!));
}

describe('docs/errors.md', () => {
  it('lists every error code the server raises, and no code it no longer raises', () => {
    const inSource = codesInSource();
    const inCatalog = codesInCatalog();
    expect(inSource.size).toBeGreaterThan(10);
    expect([...inSource].filter((code) => !inCatalog.has(code)).sort()).toEqual([]);
    expect([...inCatalog].filter((code) => !inSource.has(code)).sort()).toEqual([]);
  });
});
