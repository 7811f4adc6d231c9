import type { FeedItem } from '../feed/index.js';
import type { FeedInput, Store } from '../storage/index.js';

/**
 * How a feed source keeps the no-repeat promise under concurrent requests for
 * one user (issue 15), shared by `FeedService` and `PopularFeedSource`:
 * items a request picks join the user's in-flight set at once
 * (`FeedsInFlight`, `pushUsable`), so this server's other requests skip them,
 * and the feed is logged with `Store.claimFeed` (`claimFeed` here), which
 * refuses it if another server showed some of its items meanwhile.
 */

/**
 * Claims of one feed that may top it up after a refusal; later ones only drop
 * the repeated items. Servers that rank alike (the popular source always does)
 * pick the same items, so about half of a burst's claims lose each round and
 * the losers top up with the same next items again: a burst of r requests
 * needs about log2(r) rounds. 4 rounds left a 50-request burst over two
 * servers with a short feed now and then (seen in CI on PostgreSQL); 24 bound
 * the latency of a pathological burst and leave a short feed only past
 * millions of concurrent requests for one user.
 */
export const MAX_CLAIM_ROUNDS = 24;

/**
 * Appends the items that keep the feed's promises: distinct, not excluded, at
 * most n; each taken item joins `inFlight` at once (no await in between), so
 * the user's concurrent requests on this server skip it.
 */
export function pushUsable(
  into: FeedItem[],
  items: readonly FeedItem[],
  request: { n: number; exclude: ReadonlySet<string> },
  inFlight: Set<string>,
): void {
  const seen = new Set(into.map((item) => item.itemId));
  for (const item of items) {
    if (into.length >= request.n) return;
    if (seen.has(item.itemId) || request.exclude.has(item.itemId) || inFlight.has(item.itemId)) continue;
    seen.add(item.itemId);
    into.push(item);
    inFlight.add(item.itemId);
  }
}

export interface FeedToClaim {
  /** The no-repeat window's start (unix ms). */
  since: number;
  /** The feed's items: a refusal drops the repeated ones in place, `topUp` appends. */
  items: FeedItem[];
  /** The feed's size: `topUp` runs while `items` is shorter. */
  n: number;
  /** The feed to log, built from `items` as they are now. */
  record(): FeedInput;
  /** A claim was refused: `shown` is what the user was shown in the window; exclude it from later picks. */
  refused(shown: ReadonlySet<string>): void;
  /** Appends items up to `n` (not excluded, not already in `items`). */
  topUp(): Promise<void>;
}

/**
 * Logs a feed with `Store.claimFeed`, which records it only if it repeats
 * nothing shown to the user since `since`: another server may have shown some
 * of its items after this request read the window. On a refusal the repeated
 * items are dropped, the feed is topped up and claimed again; after
 * `MAX_CLAIM_ROUNDS` claims only dropping is left, and each refusal drops at
 * least one item, so this ends. Answers the feed as logged.
 */
export async function claimFeed(store: Store, claim: FeedToClaim): Promise<FeedInput> {
  let logged = claim.record();
  for (let round = 1; ; round += 1) {
    const answer = await store.claimFeed(logged, { since: claim.since });
    if (answer.recorded) return logged;
    const shown = new Set(answer.shown);
    claim.refused(shown);
    const kept = claim.items.filter((item) => !shown.has(item.itemId));
    claim.items.splice(0, claim.items.length, ...kept);
    if (round < MAX_CLAIM_ROUNDS && claim.items.length < claim.n) await claim.topUp();
    logged = claim.record();
  }
}
