import { isApiError } from '../api/api-error';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Which field of the form a refusal's `path` (problem+json) is about, if the form shows it. */
export type PlaceError<F extends string> = readonly F[] | ((path: string) => F | undefined);

export function placeOf<F extends string>(error: unknown, place: PlaceError<F>): F | undefined {
  if (!isApiError(error) || error.details.path === undefined) return undefined;
  const path = String(error.details.path);
  if (typeof place === 'function') return place(path);
  return place.find((field) => field === path.split('.')[0]);
}

/** A refusal as its field shows it: without the path the server put in front, which the field already says. */
export function fieldMessage(error: Error): string {
  const path = isApiError(error) ? String(error.details.path ?? '') : '';
  const message = path && error.message.startsWith(`${path}: `) ? error.message.slice(path.length + 2) : error.message;
  return message.charAt(0).toUpperCase() + message.slice(1);
}
