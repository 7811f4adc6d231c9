import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { DashboardOptions } from './dashboard-options.js';

export const keyCookie = 'genfeed_dashboard_key';

export type Need = 'admin' | 'creator';

/** The key a request carries: `Authorization: Bearer <key>`, else the dashboard's login cookie. */
export function requestKey(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const cookie = getCookie(c, keyCookie);
  return cookie === undefined || cookie === '' ? undefined : cookie;
}

/**
 * Admin keys open everything; the creator view also opens to `creator` keys, to
 * the server's `read` keys, and to a creator's key (scope `creator:<author>`,
 * bound to that author's view: `boundCreator`).
 */
export function grants(scopes: readonly string[], need: Need): boolean {
  return (
    scopes.includes('admin') ||
    (need === 'creator' &&
      (scopes.includes('creator') || scopes.includes('read') || boundCreator(scopes) !== undefined))
  );
}

/** The author a creator's key is bound to (its `creator:<author>` scope), if any. */
export function boundCreator(scopes: readonly string[]): string | undefined {
  return scopes.find((scope) => scope.startsWith('creator:'))?.slice('creator:'.length);
}

export interface Access {
  /** `ok`, `missing` (no key), `unknown` (key not recognised) or `forbidden` (scope too low). */
  status: 'ok' | 'missing' | 'unknown' | 'forbidden';
  /** With `ok` for a creator's key: the only author whose view it opens. */
  creator?: string;
}

export async function checkAccess(
  c: Context,
  authorize: DashboardOptions['authorize'],
  need: Need,
): Promise<Access> {
  const key = requestKey(c);
  if (key === undefined) return { status: 'missing' };
  const scopes = await authorize(key);
  if (scopes === undefined) return { status: 'unknown' };
  if (!grants(scopes, need)) return { status: 'forbidden' };
  const creator = scopes.includes('admin') ? undefined : boundCreator(scopes);
  return creator === undefined ? { status: 'ok' } : { status: 'ok', creator };
}
