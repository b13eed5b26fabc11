import { isApiError } from '../api/api-error';

/** `J20.9, r05.9 ;Z00.00` → `['J20.9', 'R05.9', 'Z00.00']`. */
export function splitCodes(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);
}

/** The form field a billing problem names (`diagnoses.1` → `diagnoses`, `card.token` → `card`). */
export function fieldOfError(error: unknown): string | undefined {
  if (!isApiError(error)) return undefined;
  const path = error.details.path;
  if (typeof path !== 'string' || !path) return undefined;
  return path.split('.')[0];
}
