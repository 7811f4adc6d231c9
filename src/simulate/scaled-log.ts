import { Random } from '../core/index.js';
import type { ImpressionLog } from '../reward/index.js';
import { ImpressionLogSink } from './impression-log-sink.js';
import { emptyOutcome, initialParams, respond } from './response-model.js';
import { taste, type World } from './world.js';

export interface ScaledLogOptions {
  /** Feed requests logged per user (default 10). */
  requestsPerUser?: number;
  /** Items shown per request (default 6). */
  pageSize?: number;
  /** Candidates the logging policy draws per request (default 100). */
  candidates?: number;
  /** Share of the candidates drawn from the category of the user's last valid play (default 0.5). */
  topicalShare?: number;
  /**
   * Share of page slots filled with a uniformly drawn candidate instead of the
   * next best (default 0.2): exploration, so the log holds disliked items too
   * and a ranker trained on it sees the contrast it has to learn.
   */
  explorationShare?: number;
  /** Days the requests spread over, so `splitLastDay` has a last day to hold out (default 3). */
  days?: number;
  seed?: number;
}

export interface ScaledLog {
  /** Every impression with its signals (the reward module's log). */
  log: ImpressionLog;
  /** Row for row, the hidden satisfaction (scoring only). */
  satisfaction: Float32Array;
  /** Per user, the valid plays (is_click) in order: what a recall stage trains on. */
  sequences: Int32Array[];
}

/**
 * Logged traffic for a world of any size without running simulated days: a
 * stand-in for the platform's logging policy. Each request draws `candidates`
 * items (a `topicalShare` from the category of the user's last valid play, the
 * rest uniformly), shows the `pageSize` of them the user likes most under the
 * impression noise of the response model (an `explorationShare` of the slots
 * get a random candidate instead), and the user responds to each by the
 * simulator's response model with the parameters fitted on the shipped summary
 * (`initialParams`; no follow state, no session exits). Cost is linear in
 * users x requests x candidates, independent of the catalogue size (items are
 * grouped by category in the playground, so a category is an index range).
 */
export function scaledLog(world: World, options: ScaledLogOptions = {}): ScaledLog {
  const requests = options.requestsPerUser ?? 10;
  const pageSize = options.pageSize ?? 6;
  const candidates = options.candidates ?? 100;
  const topical = options.topicalShare ?? 0.5;
  const days = options.days ?? 3;
  const exploration = options.explorationShare ?? 0.2;
  if (!(pageSize >= 1 && candidates >= pageSize)) {
    throw new RangeError(`scaledLog: need candidates >= pageSize >= 1, got ${candidates} and ${pageSize}`);
  }
  const random = new Random(options.seed ?? 11);
  const { catalogue, population } = world;
  const ranges = categoryRanges(catalogue.category);
  const sink = new ImpressionLogSink(world);
  const sequences: Int32Array[] = [];
  const outcome = emptyOutcome();
  const drawn = new Int32Array(candidates);
  const noisy = new Float64Array(candidates);
  const order = Array.from({ length: candidates }, (_, k) => k);
  let request = 0;
  for (let user = 0; user < population.size; user++) {
    const plays: number[] = [];
    for (let r = 0; r < requests; r++) {
      const last = plays.at(-1);
      for (let c = 0; c < candidates; c++) {
        const range =
          last !== undefined && random.next() < topical ? ranges[catalogue.category[last]!]! : null;
        drawn[c] = range ? range.from + random.int(range.to - range.from) : random.int(catalogue.size);
        noisy[c] = taste(world, user, drawn[c]!) + 0.6 * random.normal();
      }
      order.sort((a, b) => noisy[b]! - noisy[a]!);
      const day = Math.floor((r * days) / requests);
      const hour = population.peakHour[user]!;
      const shown = new Set<number>();
      for (let k = 0, position = 0; k < candidates && position < pageSize; k++) {
        const explore = random.next() < exploration;
        const item = explore ? drawn[random.int(candidates)]! : drawn[order[k]!]!;
        if (shown.has(item)) continue;
        shown.add(item);
        const z = taste(world, user, item);
        respond(
          initialParams,
          z,
          population.expressiveness[user]!,
          catalogue.durationMs[item]!,
          true,
          random,
          outcome,
        );
        sink.impression({
          user,
          item,
          request,
          position,
          day,
          hour,
          timeMs: 0,
          bucket: 0,
          affinity: z,
          canFollow: true,
          outcome,
        });
        if (outcome.click) plays.push(item);
        position++;
      }
      request++;
    }
    sequences.push(Int32Array.from(plays));
  }
  return { ...sink.build(), sequences };
}

/** [from, to) item range of each category (the playground sorts items by category). */
function categoryRanges(category: Int32Array): Array<{ from: number; to: number }> {
  const ranges: Array<{ from: number; to: number }> = [];
  for (let item = 0; item < category.length; item++) {
    const c = category[item]!;
    if (item > 0 && category[item - 1]! > c)
      throw new RangeError('scaledLog: items are not grouped by category');
    ranges[c] ??= { from: item, to: item };
    ranges[c].to = item + 1;
  }
  return ranges;
}
