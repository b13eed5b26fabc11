/** The path segment that ends this server's FHIR base; absolute references through it are local. */
export const FHIR_BASE_SEGMENT = '/fhir/R4/';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
/** Totals are counted exactly up to this many matches by default; beyond it `total` is left out. */
export const DEFAULT_TOTAL_LIMIT = 1000;
/** `_include:iterate` follows references at most this many rounds. */
export const MAX_INCLUDE_ROUNDS = 4;
/** At most this many resources are added to a page by `_include` and `_revinclude` together. */
export const MAX_INCLUDED = 1000;
