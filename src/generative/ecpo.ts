import { type Progress, type Random, silentProgress } from '../core/index.js';
import { add, mul, noGrad, type Tensor, tidy } from '../tensor/index.js';
import { Optimization } from '../training/index.js';
import { type AlignmentUser, itemTokensOf, type SessionReward } from './alignment.js';
import { type EcpoClip, ecpoLoss, groupAdvantages } from './ecpo-loss.js';
import { frozenCopy } from './frozen-copy.js';
import type { GenerativeRecommender } from './generative-spec.js';
import { LazyDecoder } from './lazy-decoder.js';
import { type SessionRow, sessionContext, sessionLogProbs } from './session-log-prob.js';

export interface EcpoOptions extends EcpoClip {
  random: Random;
  progress?: Progress;
  /** Trie-constrained sessions sampled per user (G). Default 8. */
  groupSize?: number;
  /** Unconstrained sessions added to each group (they train the format reward). Default 2. */
  unconstrained?: number;
  /** Sampling temperature. Default 1. */
  temperature?: number;
  /** Items per session (n). Default 5. */
  sessionLength?: number;
  /** Reward of a session with an invalid semantic ID or a repeated / already seen item. Default -1. */
  formatReward?: number;
  /** Weight β of the k3 KL penalty to the frozen reference. Default 0.05. */
  klWeight?: number;
  /** Weight of the model's own next-token loss over the step's users' histories. Default 0. */
  nextTokenWeight?: number;
  /** AdamW learning rate (constant). Default 1e-5: 3e-5 lost 6.4% Recall@10 on the Beauty subset (docs/generative.md, "ECPO measured"). */
  lr?: number;
  /** Optimizer steps on each batch of groups (the clip matters from the second). Default 2. */
  epochs?: number;
  /** Users (groups) per batch. Default 4. */
  usersPerStep?: number;
}

/** One sampled session of a group, with its reward and the tokens of items that are not real items. */
export interface SampledSession {
  /** Item indices; an invalid semantic ID gets an index >= the item count (a pseudo-item of `extraTokens`). */
  session: Int32Array;
  /** Tokens [k, depth] of the invalid IDs (pseudo-items itemCount, itemCount + 1, ...). */
  extraTokens: Int32Array;
  /** Sampled without the trie and exclusion constraints. */
  unconstrained: boolean;
  /** Broke the format: an invalid semantic ID, or an item of the history or earlier in the session. */
  malformed: boolean;
  reward: number;
}

export interface EcpoStepRecord {
  step: number;
  /** Mean ECPO loss over the step's epochs. */
  loss: number;
  /** Mean reward of the step's trie-constrained samples (before the update). */
  reward: number;
  /** Share of the step's unconstrained samples that broke the format. */
  malformed: number;
  kl: number;
  /** Samples the early clip bounded / the PPO clip held (over the step's epochs). */
  earlyClipped: number;
  clipped: number;
}

export interface EcpoResult {
  groups: number;
  /** Users whose group had equal rewards (nothing to learn). */
  skipped: number;
  /**
   * Mean reward of the constrained samples over the first and over the last
   * quarter of the steps (each step samples other users, so single steps are noise).
   */
  firstReward: number;
  lastReward: number;
  /** Share of all unconstrained samples that broke the format. */
  malformed: number;
  /** Share of all unconstrained samples whose path named no item (the rest of the malformed repeated one). */
  invalidPaths: number;
  history: EcpoStepRecord[];
  reference: LazyDecoder;
  seconds: number;
}

/**
 * ECPO alignment (OneRec technical report, arXiv 2506.13695): GRPO-style
 * reinforcement learning of the generator on a session reward. For each batch
 * of users, G sessions per user are sampled from the current policy
 * (temperature sampling under the trie and history exclusions) plus
 * `unconstrained` sessions sampled with no constraint at all; the reward
 * scores the well-formed ones, malformed ones get `formatReward`; advantages
 * are normalised within each user's group; the model takes `epochs` AdamW
 * steps on the early-clipped surrogate (ecpo-loss.ts) with a k3 KL penalty to
 * a frozen copy of itself (and optionally its next-token loss). Serving stays
 * trie-constrained, so every served item is real whatever the policy learns.
 * Lazy decoder only.
 */
export async function alignEcpo(
  recommender: GenerativeRecommender,
  users: readonly AlignmentUser[],
  reward: SessionReward,
  options: EcpoOptions,
): Promise<EcpoResult> {
  const started = performance.now();
  const model = recommender.model;
  if (!(model instanceof LazyDecoder))
    throw new RangeError('alignEcpo: only the lazy decoder (architecture "lazy-decoder") can be aligned');
  const unconstrained = options.unconstrained ?? 2;
  if (unconstrained > 0 && (model.config.itemInputs ?? 0) > 0)
    throw new RangeError(
      'alignEcpo: unconstrained samples need a model without item-id inputs (itemEmbedding 0); set unconstrained: 0',
    );
  const progress = options.progress ?? silentProgress;
  const epochs = options.epochs ?? 2;
  const usersPerStep = options.usersPerStep ?? 4;
  const klWeight = options.klWeight ?? 0.05;
  const nextTokenWeight = options.nextTokenWeight ?? 0;
  const length = options.sessionLength ?? 5;
  const itemTokens = itemTokensOf(recommender);
  const reference = frozenCopy(model);
  const optimization = new Optimization(model.parameters(), { lr: options.lr ?? 1e-5 });
  const order = options.random.shuffle(Array.from(users.keys()));
  const history: EcpoStepRecord[] = [];
  let groups = 0;
  let skipped = 0;
  let malformedCount = 0;
  let unconstrainedCount = 0;
  let invalidCount = 0;
  progress.start('ecpo', users.length);
  // Not a trainer task: each batch is sampled from the policy being trained (online RL), so the loop is ECPO's own; its steps go through Optimization.
  for (let from = 0; from < order.length; from += usersPerStep) {
    const batchUsers = order.slice(from, from + usersPerStep).map((i) => users[i]!);
    const rows: SessionRow[] = [];
    const extras: Int32Array[] = [];
    const advantages: number[] = [];
    let rewardSum = 0;
    let rewardCount = 0;
    let stepMalformed = 0;
    let stepUnconstrained = 0;
    for (const { user, history: full } of batchUsers) {
      const group = sampleGroup(recommender, user, full, reward, options);
      for (const sample of group) {
        if (sample.unconstrained) {
          stepUnconstrained++;
          if (sample.malformed) stepMalformed++;
          if (sample.extraTokens.length > 0) invalidCount++;
        } else {
          rewardSum += sample.reward;
          rewardCount++;
        }
      }
      const normalised = groupAdvantages(group.map((sample) => sample.reward));
      if (normalised.every((a) => a === 0)) {
        skipped++;
        continue;
      }
      groups++;
      group.forEach((sample, i) => {
        // The window the session was sampled after (sessionContext), so shorter sessions are scored as drawn.
        rows.push({ history: sessionContext(full, length, model.config.maxItems), session: sample.session });
        extras.push(sample.extraTokens);
        advantages.push(normalised[i]!);
      });
    }
    malformedCount += stepMalformed;
    unconstrainedCount += stepUnconstrained;
    progress.update(Math.min(from + usersPerStep, order.length));
    if (rows.length === 0) continue;
    const update = ecpoUpdate(
      model,
      optimization,
      itemTokens,
      { rows, extras, advantages, histories: batchUsers.map((entry) => entry.history) },
      klWeight > 0 ? reference : undefined,
      { ...options, klWeight, epochs, nextTokenWeight },
    );
    model.eval();
    history.push({
      step: history.length + 1,
      reward: rewardSum / Math.max(1, rewardCount),
      malformed: stepMalformed / Math.max(1, stepUnconstrained),
      ...update,
    });
  }
  progress.stop();
  model.eval();
  return {
    groups,
    skipped,
    firstReward: meanReward(history.slice(0, quarter(history.length))),
    lastReward: meanReward(history.slice(history.length - quarter(history.length))),
    malformed: malformedCount / Math.max(1, unconstrainedCount),
    invalidPaths: invalidCount / Math.max(1, unconstrainedCount),
    history,
    reference,
    seconds: (performance.now() - started) / 1000,
  };
}

/** One batch of groups to learn from: the sampled sessions, their pseudo-item tokens and advantages. */
export interface EcpoBatch {
  /** Each session after the window it was sampled from. */
  rows: readonly SessionRow[];
  /** Per row: the tokens of its invalid semantic ID (pseudo-item itemCount), or empty. */
  extras: readonly Int32Array[];
  /** Per row: the group-normalised advantage. */
  advantages: ArrayLike<number>;
  /** The users' full histories (for the next-token loss). */
  histories: readonly Int32Array[];
}

/**
 * `epochs` AdamW steps of the ECPO loss on one batch. The sessions were
 * sampled from the model as it is on entry, so the first forward's
 * log-probabilities are πold (no extra pass); the reference's come from one
 * forward under noGrad. Returns the mean loss and KL over the epochs and the
 * clip counts.
 */
export function ecpoUpdate(
  model: LazyDecoder,
  optimization: Optimization,
  itemTokens: Int32Array,
  batch: EcpoBatch,
  reference: LazyDecoder | undefined,
  options: EcpoClip & { random: Random; klWeight?: number; epochs?: number; nextTokenWeight?: number },
): { loss: number; kl: number; earlyClipped: number; clipped: number } {
  const epochs = options.epochs ?? 2;
  const klWeight = options.klWeight ?? 0;
  const nextTokenWeight = options.nextTokenWeight ?? 0;
  const { tokens, rows } = withPseudoItems(itemTokens, model.depth, batch.rows, batch.extras);
  const referenceValues =
    reference !== undefined && klWeight > 0 ? noGradLogProbs(reference, tokens, rows) : undefined;
  let old: Float32Array | undefined;
  let lossSum = 0;
  let klSum = 0;
  let earlyClipped = 0;
  let clipped = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const policy = sessionLogProbs(model, tokens, rows);
    if (old === undefined) old = Float32Array.from(policy.data);
    const result = ecpoLoss(policy, old, batch.advantages, referenceValues, { ...options, klWeight });
    lossSum += result.value;
    klSum += result.kl;
    earlyClipped += result.earlyClipped;
    clipped += result.clipped;
    let objective: Tensor = result.loss;
    if (nextTokenWeight > 0)
      objective = add(
        objective,
        mul(model.sequenceLoss([...batch.histories], itemTokens, options.random), nextTokenWeight),
      );
    optimization.update(objective);
  }
  model.eval();
  return { loss: lossSum / epochs, kl: klSum / epochs, earlyClipped, clipped };
}

/**
 * One user's group: `groupSize` trie-constrained sessions and `unconstrained`
 * free ones (sampleSession), each scored by `reward`, or `formatReward` when
 * malformed.
 */
export function sampleGroup(
  recommender: GenerativeRecommender,
  user: number,
  history: Int32Array,
  reward: SessionReward,
  options: Pick<
    EcpoOptions,
    'random' | 'groupSize' | 'unconstrained' | 'temperature' | 'sessionLength' | 'formatReward'
  >,
): SampledSession[] {
  const groupSize = options.groupSize ?? 8;
  const unconstrained = options.unconstrained ?? 2;
  const formatReward = options.formatReward ?? -1;
  const length = options.sessionLength ?? 5;
  const maxItems = (recommender.model as LazyDecoder).config.maxItems;
  const context = sessionContext(history, length, maxItems);
  const out: SampledSession[] = [];
  for (let i = 0; i < groupSize + unconstrained; i++) {
    const free = i >= groupSize;
    const sample = sampleSession(recommender, context, history, {
      length,
      constrained: !free,
      temperature: options.temperature ?? 1,
      random: options.random,
    });
    if (sample.session.length === 0) continue;
    out.push({
      ...sample,
      unconstrained: free,
      reward: sample.malformed ? formatReward : reward(user, history, sample.session),
    });
  }
  return out;
}

export interface SampleSessionOptions {
  length: number;
  /** Trie constraint and exclusion of the history and earlier session items (true), or neither (false). */
  constrained: boolean;
  temperature: number;
  random: Random;
}

/**
 * A session sampled item by item from the model (session-wise generation with
 * sampling instead of beam search): each item's tokens are drawn level by
 * level from softmax(log p / temperature). Constrained: the trie and the
 * exclusion processors mask the logits as in serving, so every item is real,
 * unseen and new to the session. Unconstrained: nothing is masked, so the
 * drawn path may name no item or repeat one; the session then ends at that
 * item (it is malformed, and its tokens are kept as a pseudo-item for scoring).
 * Sessions that run out of items come back shorter.
 */
export function sampleSession(
  recommender: GenerativeRecommender,
  context: Int32Array,
  exclude: ArrayLike<number>,
  options: SampleSessionOptions,
): { session: Int32Array; extraTokens: Int32Array; malformed: boolean } {
  const itemCount = recommender.tokenizer.itemCount;
  const seen = new Set<number>(Array.from(exclude));
  const sample = { temperature: options.temperature, random: options.random };
  const session: number[] = [];
  let current = context;
  for (let position = 0; position < options.length; position++) {
    const drawn = recommender.generate(current, {
      k: 1,
      exclude: [...seen],
      constrained: options.constrained,
      sample,
    });
    const item = drawn.items[0];
    if (item === undefined) break;
    if (item < 0) {
      session.push(itemCount);
      return { session: Int32Array.from(session), extraTokens: drawn.tokens, malformed: true };
    }
    session.push(item);
    if (seen.has(item))
      return { session: Int32Array.from(session), extraTokens: new Int32Array(0), malformed: true };
    seen.add(item);
    const next = new Int32Array(current.length + 1);
    next.set(current);
    next[current.length] = item;
    current = next;
  }
  return { session: Int32Array.from(session), extraTokens: new Int32Array(0), malformed: false };
}

/** The item tokens extended with the groups' pseudo-items (invalid IDs), and the rows renumbered onto them. */
function withPseudoItems(
  itemTokens: Int32Array,
  depth: number,
  rows: readonly SessionRow[],
  extras: readonly Int32Array[],
): { tokens: Int32Array; rows: SessionRow[] } {
  const itemCount = itemTokens.length / depth;
  const extraCount = extras.reduce((sum, extra) => sum + extra.length / depth, 0);
  if (extraCount === 0) return { tokens: itemTokens, rows: [...rows] };
  const tokens = new Int32Array(itemTokens.length + extraCount * depth);
  tokens.set(itemTokens);
  let next = itemCount;
  const mapped = rows.map((row, r) => {
    const extra = extras[r]!;
    if (extra.length === 0) return row;
    tokens.set(extra, next * depth);
    const session = row.session.map((item) => (item >= itemCount ? next : item));
    next++;
    return { history: row.history, session };
  });
  return { tokens, rows: mapped };
}

function noGradLogProbs(
  model: LazyDecoder,
  itemTokens: Int32Array,
  rows: readonly SessionRow[],
): Float32Array {
  let values = new Float32Array(0);
  noGrad(() =>
    tidy(() => {
      values = Float32Array.from(sessionLogProbs(model, itemTokens, rows).data);
      return null;
    }),
  );
  return values;
}

const quarter = (steps: number): number => Math.max(1, Math.floor(steps / 4));

function meanReward(records: readonly EcpoStepRecord[]): number {
  return records.length === 0 ? 0 : records.reduce((sum, record) => sum + record.reward, 0) / records.length;
}
