import type { Logger, Progress, Random } from '../core/index.js';
import type { TrainingData } from '../eval/index.js';
import type { FusionArchitecture, ImpressionLog } from '../reward/index.js';
import type { SeenItems } from './seen-items.js';
import type { World } from './world.js';

/** One feed request: who asks, when, what they watched and what they were already shown. */
export interface FeedRequest {
  user: number;
  day: number;
  hour: number;
  /** The user's valid plays, oldest first (most recent 100). */
  history: Int32Array;
  /** Items already shown to the user: not eligible. */
  seen: SeenItems;
  /** Items wanted. */
  size: number;
}

/** A feed policy: ranks the candidate pool (every unseen item of the catalogue) for one request. */
export interface Policy {
  readonly name: string;
  /** Writes `request.size` distinct unseen items into `out`, best first. */
  rank(request: FeedRequest, out: Int32Array): void;
}

export interface PolicyContext {
  world: World;
  /**
   * What a policy may learn from: per user, the items with a long view in the
   * logs before the test days (playground: warm-up days under the random
   * policy; real mode: the KuaiRec train positives). Users are the population's indices.
   */
  training: TrainingData;
  /** Every impression of the warm-up with all its signals (absent without warm-up days): what a reward model learns from. */
  impressions?: ImpressionLog;
  /** The reward model's fusion for the reward policies and the aligned generators (default: `rewardPolicyDesign.architecture`). */
  rewardFusion?: FusionArchitecture;
  random: Random;
  logger: Logger;
  progress: Progress;
}

/** A named way to build a policy: what `--policy <name>` picks. */
export interface PolicyFactory {
  name: string;
  description: string;
  create(context: PolicyContext): Policy | Promise<Policy>;
}

/**
 * Fills `out[from..size)` with random unseen items not already in `out[0..from)`,
 * for policies whose own ranking came up short. Rejection sampling: the seen
 * share of a catalogue stays small over a simulation.
 */
export function fillRandom(
  request: FeedRequest,
  out: Int32Array,
  from: number,
  random: Random,
  numItems: number,
): void {
  const { seen, size } = request;
  if (size > numItems) throw new RangeError(`cannot fill ${size} slots from a catalogue of ${numItems}`);
  if (seen.count + size >= numItems) seen.clear();
  let filled = from;
  let attempts = 0;
  while (filled < size) {
    const item = random.int(numItems);
    attempts++;
    if (seen.has(item) && attempts < 100 * numItems) continue;
    let duplicate = false;
    for (let k = 0; k < filled; k++) if (out[k] === item) duplicate = true;
    if (!duplicate) out[filled++] = item;
  }
}
