/**
 * Reference handling inside a Bundle: placeholders (`urn:uuid:`, `urn:oid:` or any other fullUrl of an
 * entry) become the `Type/id` the server gave that entry, and conditional references (`Patient?identifier=x`)
 * become the one resource they match.
 */

const CONDITIONAL_REFERENCE = /^([A-Z][A-Za-z]+)\?(.+)$/;
const IDENTIFIER_VALUE = /[iI]dentifier(?:\[\d+\])?\.value$/;
const PLACEHOLDER_IN_TEXT = /urn:(?:uuid|oid):[^"'\s<>]+/g;

export interface ConditionalReference {
  type: string;
  query: string;
}

/** `Patient?identifier=x` → its type and criteria; anything else → undefined. */
export function parseConditionalReference(reference: string): ConditionalReference | undefined {
  const match = CONDITIONAL_REFERENCE.exec(reference);
  return match ? { type: match[1]!, query: match[2]! } : undefined;
}

/** Every conditional reference in a resource, with the FHIRPath-like path where it was found. */
export function collectConditionalReferences(resource: unknown): { reference: string; path: string }[] {
  const found: { reference: string; path: string }[] = [];
  walk(resource, '', (key, value, path) => {
    if (key === 'reference' && parseConditionalReference(value)) found.push({ reference: value, path });
    return undefined;
  });
  return found;
}

/**
 * Rewrites, in place, every `reference` (and every other string, e.g. an Attachment.url or a uri)
 * equal to a key of `replacements`, and placeholders inside narrative XHTML. Returns how many changed.
 */
export function rewriteReferences(resource: unknown, replacements: Map<string, string>): number {
  if (!replacements.size) return 0;
  let changed = 0;
  walk(resource, '', (key, value, path) => {
    const direct = replacements.get(value);
    // Identifier.value is a plain string (often a urn:uuid of its own), not a link: it stays.
    if (direct !== undefined && !IDENTIFIER_VALUE.test(path)) {
      changed++;
      return direct;
    }
    if (key === 'div' && value.includes('urn:')) {
      const replaced = value.replace(
        PLACEHOLDER_IN_TEXT,
        (placeholder) => replacements.get(placeholder) ?? placeholder,
      );
      if (replaced !== value) {
        changed++;
        return replaced;
      }
    }
    return undefined;
  });
  return changed;
}

/**
 * Visits every string in a JSON value; `visit` may return a replacement. The path is dotted with array
 * indexes, relative to the value (`subject.reference`, `participant[0].individual.reference`).
 */
function walk(
  value: unknown,
  path: string,
  visit: (key: string, value: string, path: string) => string | undefined,
): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const itemPath = `${path}[${i}]`;
      if (typeof item === 'string') {
        const next = visit(lastKey(path), item, itemPath);
        if (next !== undefined) value[i] = next;
      } else if (item && typeof item === 'object') {
        walk(item, itemPath, visit);
      }
    }
    return;
  }
  if (!value || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const inner = record[key];
    const innerPath = path ? `${path}.${key}` : key;
    if (typeof inner === 'string') {
      const next = visit(key, inner, innerPath);
      if (next !== undefined) record[key] = next;
    } else if (inner && typeof inner === 'object') {
      walk(inner, innerPath, visit);
    }
  }
}

function lastKey(path: string): string {
  const match = /([A-Za-z_][A-Za-z0-9_]*)(?:\[\d+\])*$/.exec(path);
  return match?.[1] ?? '';
}
