import type { Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { FeedRows, RefusedClaims } from './sqlite-feed-log.js';

/**
 * Serialises claims of the same users across servers until the transaction
 * ends (PostgreSQL: advisory locks). Without one, the transaction itself must
 * exclude every other writer (SQLite's single connection).
 */
export type LockUsers = (trx: Transaction<Database>, userIds: readonly string[]) => Promise<void>;

/**
 * The no-repeat check of claimed feeds (`Store.claimFeed`) in the query
 * builder's group commit, inside its transaction: locks the claiming users,
 * reads their impressions since the earliest window start in one query (a
 * new snapshot under READ COMMITTED, taken after the locks, so it sees every
 * claim committed before), then walks the batch in order: a claimed feed
 * showing an item of its window is refused, every logged feed joins its
 * user's window for the feeds after it.
 */
export async function refusedClaims(
  trx: Transaction<Database>,
  rows: FeedRows,
  lockUsers?: LockUsers,
): Promise<RefusedClaims> {
  const refused: RefusedClaims = new Map();
  const claims = rows.claims;
  if (claims === undefined || claims.size === 0) return refused;
  const users = new Set(
    rows.requests.filter((request) => claims.has(request.id)).map((request) => request.user_id),
  );
  await lockUsers?.(trx, [...users].sort());
  const shown = await trx
    .selectFrom('impressions')
    .select(['request_id', 'user_id', 'item_id', 'time'])
    .where('user_id', 'in', [...users])
    .where('time', '>=', Math.min(...claims.values()))
    .execute();
  const windows = new Map<string, Shown[]>();
  for (const user of users) windows.set(user, []);
  for (const row of shown) windows.get(row.user_id)?.push(row);
  const itemsOf = new Map<string, string[]>();
  for (const row of rows.impressions) {
    const items = itemsOf.get(row.request_id) ?? [];
    items.push(row.item_id);
    itemsOf.set(row.request_id, items);
  }
  for (const request of rows.requests) {
    const window = windows.get(request.user_id);
    if (window === undefined) continue; // a user with no claim in this batch
    const items = itemsOf.get(request.id) ?? [];
    const since = claims.get(request.id);
    if (since !== undefined) {
      const seen = new Set(
        window.filter((row) => row.time >= since && row.request_id !== request.id).map((row) => row.item_id),
      );
      if (items.some((item) => seen.has(item))) {
        refused.set(request.id, [...seen].sort());
        continue;
      }
    }
    for (const item of items) window.push({ request_id: request.id, item_id: item, time: request.time });
  }
  return refused;
}

interface Shown {
  request_id: string;
  item_id: string;
  time: number;
}
