import { pageSize } from './page-size.js';
import type { EventRecord, ImpressionRecord } from './records.js';
import { eventRecord, impressionRecord } from './row-mapping.js';
import type { SqlContext } from './sql-context.js';
import type { FeedContext, FeedContextOptions, HistoryOptions, Store } from './store.js';

/**
 * `feedContext` through prepared statements (SQLite: no query building per
 * request); answers undefined when it cannot read outside a transaction,
 * and the query builder's path runs instead.
 */
export type FastFeedContext = (
  userId: string,
  historyLength: number,
  since: number,
) => FeedContext | undefined;

/** What a user did and was shown: the reads a feed request and a user's history page make. */
export class SqlHistory
  implements Pick<Store, 'userEvents' | 'userImpressions' | 'shownItems' | 'feedContext'>
{
  readonly #context: SqlContext;
  readonly #fastFeedContext: FastFeedContext | undefined;

  constructor(context: SqlContext, options: { fastFeedContext?: FastFeedContext } = {}) {
    this.#context = context;
    this.#fastFeedContext = options.fastFeedContext;
  }

  async userEvents(userId: string, options: HistoryOptions = {}): Promise<EventRecord[]> {
    let query = this.#context.db.selectFrom('events').selectAll().where('user_id', '=', userId);
    if (options.before !== undefined) query = query.where('time', '<', options.before);
    const rows = await query
      .orderBy('time', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(options.limit, 100, 100_000))
      .execute();
    return rows.map(eventRecord);
  }

  async userImpressions(userId: string, options: HistoryOptions = {}): Promise<ImpressionRecord[]> {
    let query = this.#context.db.selectFrom('impressions').selectAll().where('user_id', '=', userId);
    if (options.before !== undefined) query = query.where('time', '<', options.before);
    const rows = await query
      .orderBy('time', 'desc')
      .orderBy('request_id', 'desc')
      .orderBy('position')
      .limit(pageSize(options.limit, 100, 100_000))
      .execute();
    return rows.map(impressionRecord);
  }

  async shownItems(userId: string, since: number): Promise<string[]> {
    const db = this.#context.db;
    const rows = await db
      .selectFrom('impressions')
      .select('item_id')
      .where('user_id', '=', userId)
      .where('time', '>=', since)
      .union(
        db.selectFrom('events').select('item_id').where('user_id', '=', userId).where('time', '>=', since),
      )
      .execute();
    return rows.map((row) => row.item_id).sort();
  }

  async feedContext(userId: string, options: FeedContextOptions): Promise<FeedContext> {
    const historyLength = options.historyLength;
    if (!Number.isInteger(historyLength) || historyLength < 1 || historyLength > 100_000)
      throw new RangeError(`historyLength must be an integer from 1 to 100000, got ${historyLength}`);
    if (!Number.isFinite(options.since))
      throw new RangeError(`since must be a finite time in unix ms, got ${options.since}`);
    const fast = this.#fastFeedContext?.(userId, historyLength, options.since);
    if (fast !== undefined) return fast;
    const [history, shown] = await Promise.all([
      this.#context.db
        .selectFrom('events')
        .select('item_id')
        .where('user_id', '=', userId)
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(historyLength)
        .execute(),
      this.shownItems(userId, options.since),
    ]);
    return { history: history.map((row) => row.item_id), shown };
  }
}
