import type { SessionRecord } from './records.js';
import type { SqlContext } from './sql-context.js';

/** Dashboard sessions: a row per login, shared by every server on the store. */
export class SqlSessions {
  readonly #context: SqlContext;

  constructor(context: SqlContext) {
    this.#context = context;
  }

  async get(id: string, now = this.#context.now()): Promise<SessionRecord | undefined> {
    const row = await this.#context.db
      .selectFrom('dashboard_sessions')
      .selectAll()
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      scopes: JSON.parse(row.scopes) as string[],
      csrfToken: row.csrf_token,
      expiresAt: Number(row.expires_at),
    };
  }

  /** One transaction: the expired rows go (an index range), the session is written. */
  async put(id: string, session: SessionRecord): Promise<void> {
    if (!Number.isFinite(session.expiresAt))
      throw new RangeError(`expiresAt must be a finite time in unix ms, got ${session.expiresAt}`);
    const now = this.#context.now();
    await this.#context.writes.transaction(async (trx) => {
      await trx.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).execute();
      await trx
        .insertInto('dashboard_sessions')
        .values({
          id,
          scopes: JSON.stringify(session.scopes),
          csrf_token: session.csrfToken,
          expires_at: Math.round(session.expiresAt),
        })
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            scopes: eb.ref('excluded.scopes'),
            csrf_token: eb.ref('excluded.csrf_token'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        )
        .execute();
    });
  }

  async delete(id: string): Promise<void> {
    await this.#context.writes.exclusive(() =>
      this.#context.db.deleteFrom('dashboard_sessions').where('id', '=', id).execute(),
    );
  }
}
