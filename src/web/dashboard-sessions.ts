import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DashboardSession, SessionStore } from './session-store.js';

/** The dashboard's session cookie: a random token, never the API key. */
export const sessionCookie = 'genfeed_dashboard_session';

/** How long a login lasts by default: a working day. */
export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

/** 32 random bytes as base64url (43 characters): a session or CSRF token. */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The id a token is stored under. */
function idOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Compares two tokens in time independent of where they differ. */
export function sameToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts, resolves and ends dashboard logins over a `SessionStore`, with an absolute expiry. */
export class DashboardSessions {
  readonly #store: SessionStore;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(store: SessionStore, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#store = store;
    this.#ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.#now = options.now ?? Date.now;
    if (!(this.#ttlMs > 0)) throw new RangeError(`sessionTtlMs must be positive, got ${this.#ttlMs}`);
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** A new session for a key's scopes; the token goes into the cookie and is not kept. */
  async start(scopes: readonly string[]): Promise<{ token: string; session: DashboardSession }> {
    const token = newToken();
    const session = { scopes: [...scopes], csrfToken: newToken(), expiresAt: this.#now() + this.#ttlMs };
    await this.#store.put(idOf(token), session);
    return { token, session };
  }

  /** The live session a cookie's token names, or undefined (unknown, forged or expired). */
  async resolve(token: string | undefined): Promise<DashboardSession | undefined> {
    if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const id = idOf(token);
    const session = await this.#store.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      await this.#store.delete(id);
      return undefined;
    }
    return session;
  }

  async end(token: string): Promise<void> {
    await this.#store.delete(idOf(token));
  }
}
