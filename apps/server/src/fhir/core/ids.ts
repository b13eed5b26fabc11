import { randomUUID } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Server-assigned ids are random UUIDs. */
export function newId(): string {
  return randomUUID();
}

export function weakEtag(versionId: number | string): string {
  return `W/"${versionId}"`;
}

/** Accepts `W/"3"`, `"3"` or `3` (clients vary) and returns the version number as text. */
export function parseEtag(header: string): string | undefined {
  const match = /^\s*(?:W\/)?"?([^"\s]+)"?\s*$/.exec(header);
  return match?.[1];
}
