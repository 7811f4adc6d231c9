import {
  checkFeedRequest,
  type FeedItem,
  type FeedPipeline,
  type FeedRequest,
  type FeedResult,
  type StageCost,
  timeStage,
} from '../feed/index.js';
import { capPerAuthor } from './author-cap.js';
import { type Cascade, indicesOf } from './cascade.js';

export interface ColdStartOptions {
  /** Share of the feed's slots given to fresh uploads (default 0.3); the rest are popular. */
  freshShare?: number;
}

/**
 * A feed for a user with no usable history (the server's fallback): the
 * cascade's popular and fresh orders interleaved so that about `freshShare` of
 * every prefix is fresh, without exclusions, hidden or consumed items, and
 * within the author cap. Stages `recall` and `filter` are timed. When one
 * source runs dry the other fills the rest.
 */
export function coldStartFeed(
  cascade: Cascade,
  request: FeedRequest,
  options: ColdStartOptions = {},
): FeedResult {
  checkFeedRequest(request);
  const freshShare = options.freshShare ?? 0.3;
  if (!(freshShare >= 0 && freshShare <= 1))
    throw new RangeError(`freshShare must be in [0, 1], got ${freshShare}`);
  const { catalogue, config } = cascade;
  const stages: Record<string, StageCost> = {};
  const picked = timeStage(stages, 'recall', () => {
    const blocked = new Set<number>(indicesOf(catalogue, request.exclude));
    for (const item of indicesOf(catalogue, request.history)) blocked.add(item);
    // Twice n per source leaves room for the author cap.
    const want = 2 * request.n;
    const popular = take(cascade.popular.order, blocked, catalogue.hidden, want);
    const fresh = take(cascade.fresh.order, blocked, catalogue.hidden, want);
    const out: Array<{ item: number; source: string }> = [];
    const seen = new Set<number>();
    let p = 0;
    let f = 0;
    let freshCount = 0;
    while (p < popular.length || f < fresh.length) {
      const wantFresh = freshCount < freshShare * (out.length + 1);
      const useFresh = f < fresh.length && (wantFresh || p >= popular.length);
      const item = useFresh ? fresh[f++]! : popular[p++]!;
      if (seen.has(item)) continue;
      seen.add(item);
      if (useFresh) freshCount++;
      out.push({ item, source: useFresh ? 'fresh' : 'popular' });
    }
    return out;
  });
  const items = timeStage(stages, 'filter', () => {
    const order = picked.map((entry) => entry.item);
    const kept = capPerAuthor(order, (item) => catalogue.author[item]!, config.authorCap, request.n);
    return kept.map((position, rank): FeedItem => {
      const entry = picked[position]!;
      return { itemId: catalogue.ids[entry.item]!, score: 1 / (rank + 1), source: entry.source };
    });
  });
  return { items, stages };
}

/** `coldStartFeed` as a pipeline of its own, named `coldstart`. */
export function coldStartPipeline(cascade: Cascade, options: ColdStartOptions = {}): FeedPipeline {
  const pipeline: FeedPipeline = {
    name: 'coldstart',
    recommend: (request) => coldStartFeed(cascade, request, options),
  };
  return cascade.modelVersion === undefined ? pipeline : { ...pipeline, modelVersion: cascade.modelVersion };
}

function take(order: Int32Array, blocked: ReadonlySet<number>, hidden: Uint8Array, count: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < order.length && out.length < count; k++) {
    const item = order[k]!;
    if (hidden[item] === 0 && !blocked.has(item)) out.push(item);
  }
  return out;
}
