import { InvalidInputError } from '../core/index.js';
import type { Page } from './store.js';

/**
 * Keyset paging: a cursor is the sort key of the last record of a page,
 * opaque to callers (base64url JSON) so its shape can change.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` with these key types; anything else is bad input. */
export function decodeCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  types: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const fits =
    Array.isArray(key) &&
    key.length === types.length &&
    types.every((type, index) =>
      type === 'number' ? Number.isFinite(key[index]) : typeof key[index] === 'string',
    );
  if (!fits) throw new InvalidInputError(`Invalid page cursor ${JSON.stringify(cursor.slice(0, 80))}`);
  return key as { [K in keyof T]: T[K] extends 'number' ? number : string };
}

/** A page of `limit` asked records: with the cursor after its last one when full, else the last page. */
export function page<T>(records: T[], limit: number, key: (record: T) => (string | number)[]): Page<T> {
  const last = records.at(-1);
  return records.length < limit || last === undefined
    ? { records }
    : { records, cursor: encodeCursor(key(last)) };
}
