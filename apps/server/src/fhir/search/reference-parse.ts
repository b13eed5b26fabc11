import { FHIR_BASE_SEGMENT } from './search-constants';

/** A reference as the index stores it: a local `Type/id`, or a URL that points elsewhere. */
export interface ParsedReference {
  targetType: string | null;
  targetId: string | null;
  url: string | null;
}

const LOCAL = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * `Patient/123` and `http://any-host/fhir/R4/Patient/123` (this server's own base, whatever host it is
 * reached by) are local; other absolute URLs, URNs and canonicals are kept as URLs; `#contained` is skipped.
 */
export function parseReference(reference: string): ParsedReference | undefined {
  const value = reference.trim();
  if (!value || value.startsWith('#')) return undefined;
  const local = LOCAL.exec(value);
  if (local) return { targetType: local[1]!, targetId: local[2]!, url: null };
  const at = value.indexOf(FHIR_BASE_SEGMENT);
  if (/^https?:\/\//.test(value) && at >= 0) {
    const rest = LOCAL.exec(value.slice(at + FHIR_BASE_SEGMENT.length));
    if (rest) return { targetType: rest[1]!, targetId: rest[2]!, url: null };
  }
  return { targetType: null, targetId: null, url: value.slice(0, 1000) };
}
