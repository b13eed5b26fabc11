import { ParamProblem } from './search-problems';

/**
 * Keyset paging: a `next` link carries the sort key values, type and id of the page's last row, and the
 * next page starts strictly after them. No OFFSET, so deep pages cost the same as the first, and rows
 * added or removed between pages never shift what a client has already seen.
 */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length < 2) throw new Error('not a cursor');
    if (values.some((value) => value !== null && typeof value !== 'string')) throw new Error('not a cursor');
    return values;
  } catch {
    throw new ParamProblem('_cursor', 'The _cursor parameter is not one this server issued');
  }
}
