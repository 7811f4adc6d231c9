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
 * Admin keys open everything; the creator view also opens to `creator` keys and
 * to the server's `read` keys (what a creator tool holds: serve has no creator
 * scope of its own).
 */
export function grants(scopes: readonly string[], need: Need): boolean {
  return (
    scopes.includes('admin') ||
    (need === 'creator' && (scopes.includes('creator') || scopes.includes('read')))
  );
}

/** `ok` with the key's scopes, `missing` (no key), `unknown` (key not recognised) or `forbidden` (scope too low). */
export async function checkAccess(
  c: Context,
  authorize: DashboardOptions['authorize'],
  need: Need,
): Promise<'ok' | 'missing' | 'unknown' | 'forbidden'> {
  const key = requestKey(c);
  if (key === undefined) return 'missing';
  const scopes = await authorize(key);
  if (scopes === undefined) return 'unknown';
  return grants(scopes, need) ? 'ok' : 'forbidden';
}
