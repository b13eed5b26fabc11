/**
 * Finding and moving references to a patient inside a resource's JSON. Paths are JSON Pointers (RFC 6901)
 * to the Reference objects, so an undo can put back exactly what a merge moved.
 */

const reference = (id: string) =>
  new RegExp(`(^|/)Patient/${id.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(/_history/[^/]+)?$`);

type Json = unknown;

/** Pointers to every Reference object whose `reference` names Patient/`id`. */
export function findPatientReferences(resource: Json, id: string): string[] {
  const pattern = reference(id);
  const found: string[] = [];
  const walk = (value: Json, pointer: string) => {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${pointer}/${index}`);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const object = value as Record<string, Json>;
    if (typeof object.reference === 'string' && pattern.test(object.reference)) found.push(pointer);
    for (const [key, inner] of Object.entries(object)) {
      if (key !== 'reference') walk(inner, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(resource, '');
  return found;
}

function at(resource: Json, pointer: string): Record<string, Json> | undefined {
  let value: Json = resource;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, Json>)[key];
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Json>) : undefined;
}

/**
 * A copy of `resource` with the references at `pointers` moved from Patient/`from` to Patient/`to`;
 * pointers that no longer hold a reference to `from` are left alone. Returns the pointers changed.
 */
export function movePatientReferences<T>(
  resource: T,
  pointers: string[],
  from: string,
  to: string,
): { resource: T; moved: string[] } {
  const copy = structuredClone(resource);
  const pattern = reference(from);
  const moved: string[] = [];
  for (const pointer of pointers) {
    const target = at(copy, pointer);
    if (typeof target?.reference !== 'string' || !pattern.test(target.reference)) continue;
    target.reference = `Patient/${to}`;
    moved.push(pointer);
  }
  return { resource: copy, moved };
}
