import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { FeedRows, RefusedClaims } from './sqlite-writer.js';
import { batches } from './statement-batches.js';

/**
 * The no-repeat check of claimed feeds (`Store.claimFeed`) in the query
 * builder's group commit, inside a transaction that holds the claiming
 * users' locks (`ClaimTransaction`), so its reads (under READ COMMITTED,
 * snapshots taken after the locks) see every claim committed before. Reads
 * only the impressions of the claimed items (usually none, however long the
 * window), then walks the batch in order: a claimed feed showing an item of
 * its window is refused, every logged feed joins its user's window for the
 * feeds after it. Refusals, rare, read their users' whole windows for the
 * answer.
 */
export async function refusedClaims(trx: Kysely<Database>, rows: FeedRows): Promise<RefusedClaims> {
  const refused: RefusedClaims = new Map();
  const claims = rows.claims;
  if (claims === undefined || claims.size === 0) return refused;
  const users = [...claimingUsers(rows)];
  const itemsOf = new Map<string, string[]>();
  for (const row of rows.impressions) {
    const items = itemsOf.get(row.request_id) ?? [];
    items.push(row.item_id);
    itemsOf.set(row.request_id, items);
  }
  const claimed = new Set<string>();
  for (const requestId of claims.keys()) for (const item of itemsOf.get(requestId) ?? []) claimed.add(item);
  const windows = new Map<string, Shown[]>(users.map((user) => [user, []]));
  // Two columns' worth of parameters per item leaves room for the users.
  for (const items of batches([...claimed], 2)) {
    const shown = await trx
      .selectFrom('impressions')
      .select(['request_id', 'user_id', 'item_id', 'time'])
      .where('user_id', 'in', users)
      .where('time', '>=', Math.min(...claims.values()))
      .where('item_id', 'in', items)
      .execute();
    for (const row of shown) windows.get(row.user_id)?.push(row);
  }
  const logged = new Map<string, Shown[]>(users.map((user) => [user, []]));
  for (const request of rows.requests) {
    const window = windows.get(request.user_id);
    if (window === undefined) continue; // a user with no claim in this batch
    const items = itemsOf.get(request.id) ?? [];
    const since = claims.get(request.id);
    if (since !== undefined) {
      const seen = new Set(itemsSince(window, since, request.id));
      if (items.some((item) => seen.has(item))) {
        refused.set(request.id, []);
        continue;
      }
    }
    for (const item of items) {
      const entry = { request_id: request.id, item_id: item, time: request.time };
      window.push(entry);
      logged.get(request.user_id)?.push(entry);
    }
  }
  if (refused.size > 0) await answerRefusals(trx, rows, refused, logged);
  return refused;
}

/** Fills in each refused claim's answer: the items its user was shown in its window (stored, or logged earlier in the batch). */
async function answerRefusals(
  trx: Kysely<Database>,
  rows: FeedRows,
  refused: RefusedClaims,
  logged: ReadonlyMap<string, readonly Shown[]>,
): Promise<void> {
  const claims = rows.claims!;
  const requests = rows.requests.filter((request) => refused.has(request.id));
  const stored = await trx
    .selectFrom('impressions')
    .select(['request_id', 'user_id', 'item_id', 'time'])
    .where('user_id', 'in', [...new Set(requests.map((request) => request.user_id))])
    .where('time', '>=', Math.min(...requests.map((request) => claims.get(request.id)!)))
    .execute();
  for (const request of requests) {
    const window = [
      ...stored.filter((row) => row.user_id === request.user_id),
      ...(logged.get(request.user_id) ?? []),
    ];
    refused.set(request.id, [...new Set(itemsSince(window, claims.get(request.id)!, request.id))].sort());
  }
}

/** Items of `window` shown at or after `since` by feeds other than `requestId`. */
function itemsSince(window: readonly Shown[], since: number, requestId: string): string[] {
  return window.filter((row) => row.time >= since && row.request_id !== requestId).map((row) => row.item_id);
}

/** The users of the claimed feeds of `rows`. */
export function claimingUsers(rows: FeedRows): Set<string> {
  const claims = rows.claims;
  if (claims === undefined) return new Set();
  return new Set(rows.requests.filter((request) => claims.has(request.id)).map((request) => request.user_id));
}

interface Shown {
  request_id: string;
  item_id: string;
  time: number;
}
