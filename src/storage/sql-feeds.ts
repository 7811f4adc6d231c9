import type { Kysely } from 'kysely';
import { GroupCommit } from './group-commit.js';
import { insertBatches } from './insert-batches.js';
import type { FeedInput, FeedRecord } from './records.js';
import { claimingUsers, refusedClaims } from './refused-claims.js';
import { retryOnDeadlock } from './retry-on-deadlock.js';
import { feedRows } from './row-mapping.js';
import type { Database, StoreDatabase } from './schema.js';
import type { SqlContext } from './sql-context.js';
import type { FeedRows, RefusedClaims, StoreWriter } from './sqlite-writer.js';
import type { ClaimFeedOptions, FeedClaim, Store } from './store.js';

/**
 * Runs `body` in a transaction during which no other server commits a claim
 * of `userIds` (PostgreSQL: advisory locks from its start). Without one, a
 * plain transaction, which must exclude every other writer by itself (SQLite
 * `:memory:`: one connection, and this process's writes take turns).
 */
export type ClaimTransaction = <T>(
  db: StoreDatabase,
  userIds: readonly string[],
  body: (trx: Kysely<Database>) => Promise<T>,
) => Promise<T>;

export interface SqlFeedsOptions {
  /** Commits each group of feeds off the query builder's connection (SQLite file: a worker thread). */
  writer?: StoreWriter;
  claimTransaction?: ClaimTransaction;
}

/** A feed waiting for its group commit; a claim's answer is filled in by the commit. */
interface PendingFeed {
  feed: FeedInput;
  /** For a claim: the no-repeat window's start. */
  since?: number;
  /** For a refused claim: the items shown in the window. */
  refused?: string[];
}

/** The served-feed log: one request row per feed and one impression row per item shown. */
export class SqlFeeds implements Pick<Store, 'insertFeeds' | 'claimFeed' | 'getFeed'> {
  readonly #context: SqlContext;
  readonly #writer: StoreWriter | undefined;
  readonly #claimTransaction: ClaimTransaction | undefined;
  readonly #log: GroupCommit<PendingFeed>;

  constructor(context: SqlContext, options: SqlFeedsOptions = {}) {
    this.#context = context;
    const writer = options.writer;
    this.#writer = writer;
    this.#claimTransaction = options.claimTransaction;
    this.#log = new GroupCommit<PendingFeed>(async (pending) => {
      const rows = feedRows(pending.map((one) => one.feed));
      const claims = new Map<string, number>();
      for (const one of pending) if (one.since !== undefined) claims.set(one.feed.requestId, one.since);
      if (claims.size > 0) rows.claims = claims;
      const refused = await (writer === undefined
        ? this.#write(rows)
        : context.writes.exclusive(() => writer.writeFeeds(rows)));
      for (const one of pending) {
        const shown = refused.get(one.feed.requestId);
        if (shown === undefined) delete one.refused;
        else one.refused = shown;
      }
    });
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
    return this.#log.add(feeds.map((feed) => ({ feed })));
  }

  /**
   * Group-committed like `insertFeeds`: claims of one commit are checked in
   * order inside its transaction, which holds the users' locks (PostgreSQL)
   * or the file's write lock (SQLite) from the check to the commit.
   */
  async claimFeed(feed: FeedInput, options: ClaimFeedOptions): Promise<FeedClaim> {
    if (!Number.isFinite(options.since))
      throw new RangeError(`since must be a finite time in unix ms, got ${options.since}`);
    const pending: PendingFeed = { feed, since: options.since };
    await this.#log.add([pending]);
    return pending.refused === undefined ? { recorded: true } : { recorded: false, shown: pending.refused };
  }

  #write(rows: FeedRows): Promise<RefusedClaims> {
    const write = async (trx: Kysely<Database>) => {
      const refused = await refusedClaims(trx, rows);
      await insertBatches(trx, 'requests', {
        rows: rows.requests.filter((request) => !refused.has(request.id)),
        onConflict: (conflict) => conflict.column('id').doNothing(),
      });
      await insertBatches(trx, 'impressions', {
        rows: rows.impressions.filter((impression) => !refused.has(impression.request_id)),
        onConflict: (conflict) => conflict.columns(['request_id', 'position']).doNothing(),
      });
      return refused;
    };
    const users = claimingUsers(rows);
    const claimTransaction = this.#claimTransaction;
    if (users.size === 0 || claimTransaction === undefined) return this.#context.writes.transaction(write);
    return this.#context.writes.exclusive(() =>
      retryOnDeadlock(() => claimTransaction(this.#context.db, [...users], write)),
    );
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

  /** Resolves when the feeds logged so far have been committed (before the store closes its writer). */
  idle(): Promise<void> {
    return this.#log.idle();
  }
}
