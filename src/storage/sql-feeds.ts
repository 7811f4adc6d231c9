import { GroupCommit } from './group-commit.js';
import { insertBatches } from './insert-batches.js';
import type { FeedInput, FeedRecord } from './records.js';
import { feedRows } from './row-mapping.js';
import type { SqlContext } from './sql-context.js';
import type { FeedRows } from './sqlite-feed-log.js';
import type { Store } from './store.js';

/**
 * Writes one group commit of feeds in its own transaction instead of the
 * query builder's connection (SQLite: `SqliteFeedLog`, a worker thread, so
 * the fsync does not hold the event loop); resolves after it committed.
 */
export interface FeedLogWriter {
  write(rows: FeedRows): Promise<void>;
  close(): Promise<void>;
}

/** The served-feed log: one request row per feed and one impression row per item shown. */
export class SqlFeeds implements Pick<Store, 'insertFeeds' | 'getFeed'> {
  readonly #context: SqlContext;
  readonly #writer: FeedLogWriter | undefined;
  readonly #log: GroupCommit<FeedInput>;

  constructor(context: SqlContext, options: { writer?: FeedLogWriter } = {}) {
    this.#context = context;
    const writer = options.writer;
    this.#writer = writer;
    this.#log = new GroupCommit<FeedInput>(
      writer === undefined
        ? (feeds) => this.#write(feeds)
        : (feeds) => context.writes.exclusive(() => writer.write(feedRows(feeds))),
    );
  }

  /** Group commits of `insertFeeds` so far: transactions, calls and feeds (how well logging batches). */
  stats(): { commits: number; calls: number; records: number } {
    return { ...this.#log.stats };
  }

  /**
   * Group-committed (`GroupCommit`): feeds logged concurrently share one
   * transaction, and each call resolves once the transaction holding its
   * feeds committed.
   */
  insertFeeds(feeds: readonly FeedInput[]): Promise<void> {
    return this.#log.add(feeds);
  }

  async #write(feeds: readonly FeedInput[]): Promise<void> {
    const { requests, impressions } = feedRows(feeds);
    await this.#context.writes.transaction(async (trx) => {
      await insertBatches(trx, 'requests', {
        rows: requests,
        onConflict: (conflict) => conflict.column('id').doNothing(),
      });
      await insertBatches(trx, 'impressions', {
        rows: impressions,
        onConflict: (conflict) => conflict.columns(['request_id', 'position']).doNothing(),
      });
    });
  }

  async getFeed(requestId: string): Promise<FeedRecord | undefined> {
    const db = this.#context.db;
    const request = await db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirst();
    if (request === undefined) return undefined;
    const impressions = await db
      .selectFrom('impressions')
      .select(['item_id', 'score'])
      .where('request_id', '=', requestId)
      .orderBy('position')
      .execute();
    const feed: FeedRecord = {
      requestId,
      userId: request.user_id,
      pipeline: request.pipeline,
      time: request.time,
      items: impressions.map((row) =>
        row.score === null ? { itemId: row.item_id } : { itemId: row.item_id, score: row.score },
      ),
    };
    if (request.experiment !== null) feed.experiment = request.experiment;
    if (request.latency_ms !== null) feed.latencyMs = request.latency_ms;
    if (request.cpu_ms !== null) feed.cpuMs = request.cpu_ms;
    if (request.stages !== null) feed.stages = JSON.parse(request.stages);
    return feed;
  }

  /** Waits for the feeds still being committed, then closes the writer. */
  async close(): Promise<void> {
    await this.#log.idle();
    await this.#writer?.close();
  }
}
