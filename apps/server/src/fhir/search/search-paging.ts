import { ParamProblem } from './search-problems';
import type { Cursor } from './search-query';

/**
 * Keyset paging: a `next` link carries the sort key values, type and id of the page's last row, and the
 * next page starts strictly after them. No OFFSET, so deep pages cost the same as the first, and rows
 * added or removed between pages never shift what a client has already seen.
 */
export function encodeCursor(cursor: Cursor): string {
  const marker = cursor.direction === 'after' ? '>' : '<';
  return Buffer.from(JSON.stringify([marker, ...cursor.values]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  try {
    const [marker, ...values] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if ((marker !== '>' && marker !== '<') || values.length < 2) throw new Error('not a cursor');
    if (values.some((value: unknown) => value !== null && typeof value !== 'string')) throw new Error('not a cursor');
    return { direction: marker === '>' ? 'after' : 'before', values };
  } catch {
    throw new ParamProblem('_cursor', 'The _cursor parameter is not one this server issued');
  }
}
