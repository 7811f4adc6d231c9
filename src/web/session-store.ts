import type { Store } from '../storage/index.js';

/** What the dashboard keeps for one login; the cookie holds only a random token naming it. */
export interface DashboardSession {
  /** The scopes `authorize` granted the key that logged in (the key itself is not kept). */
  scopes: readonly string[];
  /** Every state-changing form of this session carries it (`csrf`); compared on submit. */
  csrfToken: string;
  /** Unix ms after which the session no longer opens anything. */
  expiresAt: number;
}

/**
 * Where sessions live, by id (the sha256 of the cookie's token, so a leaked
 * store holds nothing a browser could replay). The in-memory store serves one
 * process; servers behind one balancer share a store of their own (a table in
 * their database, Redis) by implementing these three calls.
 */
export interface SessionStore {
  get(id: string): DashboardSession | undefined | Promise<DashboardSession | undefined>;
  put(id: string, session: DashboardSession): void | Promise<void>;
  delete(id: string): void | Promise<void>;
}

/**
 * Sessions in a Map: expired ones are dropped as new ones arrive, and past
 * `maxSessions` (default 10,000) the oldest go first, so logins in a loop
 * cannot grow the process without bound.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, DashboardSession>();
  readonly #maxSessions: number;
  readonly #now: () => number;

  constructor(options: { maxSessions?: number; now?: () => number } = {}) {
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): DashboardSession | undefined {
    return this.#sessions.get(id);
  }

  put(id: string, session: DashboardSession): void {
    if (this.#sessions.size >= this.#maxSessions) {
      const now = this.#now();
      for (const [key, kept] of this.#sessions) if (kept.expiresAt <= now) this.#sessions.delete(key);
      // Map order is insertion order: the oldest logins first.
      for (const key of this.#sessions.keys()) {
        if (this.#sessions.size < this.#maxSessions) break;
        this.#sessions.delete(key);
      }
    }
    this.#sessions.set(id, session);
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }
}

/**
 * Sessions in the store's `dashboard_sessions` table: every server on the
 * store (the processes of `genfeed serve --processes N`, servers behind one
 * balancer) opens a login made on any of them, and logins survive a restart.
 */
export function storeSessions(
  store: Pick<Store, 'getSession' | 'putSession' | 'deleteSession'>,
): SessionStore {
  return {
    get: (id) => store.getSession(id),
    put: (id, session) => store.putSession(id, session),
    delete: (id) => store.deleteSession(id),
  };
}
