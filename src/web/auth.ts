import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { DashboardOptions } from './dashboard-options.js';
import { type DashboardSessions, sessionCookie } from './dashboard-sessions.js';

export type Need = 'admin' | 'creator';

/** The key of `Authorization: Bearer <key>`, if the request sends one. */
export function bearerKey(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
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
  /** `ok`, `missing` (no key or session), `unknown` (key or session not recognised) or `forbidden` (scope too low). */
  status: 'ok' | 'missing' | 'unknown' | 'forbidden';
  /** With `ok` for a creator's key: the only author whose view it opens. */
  creator?: string;
  /** Through a session (`ok` or `forbidden`): the token its forms carry. */
  csrfToken?: string;
}

/**
 * Who a request is: a bearer key (checked with `authorize` on every request),
 * else the dashboard's session cookie (the scopes granted at login).
 */
export async function checkAccess(
  c: Context,
  from: { authorize: DashboardOptions['authorize']; sessions: DashboardSessions },
  need: Need,
): Promise<Access> {
  let scopes: readonly string[] | undefined;
  let csrfToken: string | undefined;
  const key = bearerKey(c);
  if (c.req.header('authorization') !== undefined) {
    if (key === undefined) return { status: 'missing' };
    scopes = await from.authorize(key);
  } else {
    const token = getCookie(c, sessionCookie);
    if (token === undefined || token === '') return { status: 'missing' };
    const session = await from.sessions.resolve(token);
    scopes = session?.scopes;
    csrfToken = session?.csrfToken;
  }
  if (scopes === undefined) return { status: 'unknown' };
  const session = csrfToken === undefined ? {} : { csrfToken };
  if (!grants(scopes, need)) return { status: 'forbidden', ...session };
  const creator = scopes.includes('admin') ? undefined : boundCreator(scopes);
  return { status: 'ok', ...(creator === undefined ? {} : { creator }), ...session };
}

/**
 * Whether a state-changing request comes from another site, by the browser's
 * own headers (defence in depth beside the CSRF token and SameSite): a
 * `Sec-Fetch-Site` other than same-origin or none (typed by the user), or an
 * `Origin` whose host is not this request's. Clients that send neither (curl)
 * pass; the token still guards them.
 */
export function crossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  // Behind a proxy that rewrites Host, the browser's host arrives as X-Forwarded-Host (a form cannot set it).
  const hosts = [c.req.header('host') ?? new URL(c.req.url).host, c.req.header('x-forwarded-host')];
  try {
    return !hosts.includes(new URL(origin).host);
  } catch {
    return true;
  }
}
