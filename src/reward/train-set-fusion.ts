import {
  add,
  binaryCrossEntropyWithLogits,
  embedding,
  intTensor,
  mul,
  noGrad,
  type Tensor,
  tensor,
  tidy,
} from '../tensor/index.js';
import { type SyncTrainerOptions, trainSync } from '../training/index.js';
import { type CandidateBatch, requestSlice } from './candidate-batch.js';
import type { ItemSide } from './item-side.js';
import type { LongRunProxies } from './long-run-proxies.js';
import { headPairTargets, levelPairs, pairLoss, predictionPairs } from './pair-loss.js';
import { SelfEvolvingEvaluator } from './self-evolving-evaluator.js';
import { type SetFusion, type SetFusionInput, userFeatures } from './set-fusion.js';
import { hateIndex, headNames, numHeads } from './signals.js';

/** The set fusion's objectives, in the evaluator's order. */
export const setFusionObjectives = [
  'relative satisfaction',
  'session continues',
  ...headNames.map((name) => `consistency ${name}`),
];

export interface SetFusionSettings {
  batchRequests: number;
  /** Logit gap above which a head separates a pair (consistency pairs). */
  margin: number;
  /** Base weight of the consistency objectives together (each head gets weight / 9). */
  consistencyWeight: number;
  /** Base weight of the session-continues objective. */
  continuedWeight: number;
  /** Fixed weight of the returns-next-day auxiliary loss (not re-weighted: a request-level proxy). */
  returnedWeight: number;
  /** Every `holdoutEvery`-th request is held out of training for the evaluator. */
  holdoutEvery: number;
  /** Training steps between evaluations. */
  evaluateEvery: number;
  evaluator: { rate?: number; temperature?: number; floor?: number };
}

/** Everything one request-row carries into the fusion's training. */
export interface SetFusionData {
  batch: CandidateBatch;
  side: ItemSide;
  /** [N, 9] out-of-fold head logits. */
  logits: Float32Array;
  /** [N] relative-satisfaction levels. */
  levels: Float32Array;
  proxies: LongRunProxies;
}

export interface SetFusionEpoch {
  epoch: number;
  pairwiseLoss: number;
  consistencyLoss: number;
  continuedLoss: number;
  returnedLoss: number;
  weights: number[];
}

/**
 * Trains a set fusion on out-of-fold head logits (docs/reward.md, "The
 * set-transformer fusion"): pairwise relative satisfaction, the session-continues
 * proxy and the heads' consistency pairs, each weighted by a self-evolving
 * evaluator measured on held-out requests; plus the returns-next-day proxy
 * at a fixed weight.
 */
export function trainSetFusion(
  fusion: SetFusion,
  data: SetFusionData,
  settings: SetFusionSettings,
  trainer: SyncTrainerOptions,
): { epochs: SetFusionEpoch[]; evaluator: SelfEvolvingEvaluator } {
  const { batch } = data;
  const R = batch.requestOffsets.length - 1;
  const held: number[] = [];
  const kept: number[] = [];
  for (let r = 0; r < R; r++) (r % settings.holdoutEvery === settings.holdoutEvery - 1 ? held : kept).push(r);
  const train = pickRequests(
    data,
    Int32Array.from(held.length > 0 && kept.length > 0 ? kept : held.concat(kept)),
  );
  const heldOut = pickRequests(data, Int32Array.from(held));
  const evaluator = new SelfEvolvingEvaluator(setFusionObjectives, settings.evaluator);
  const trainRequests = train.batch.requestOffsets.length - 1;
  // Loss sums and the steps each was defined on (a batch may hold no pair or no known proxy label).
  const names = ['pairwise', 'consistency', 'continued', 'returned'] as const;
  const sums = Object.fromEntries(names.map((name) => [name, { sum: 0, steps: 0 }])) as Record<
    (typeof names)[number],
    { sum: number; steps: number }
  >;
  const meanOf = (name: (typeof names)[number]) =>
    sums[name].steps > 0 ? sums[name].sum / sums[name].steps : Number.NaN;
  const epochs: SetFusionEpoch[] = [];
  let steps = 0;
  trainSync(
    {
      module: fusion,
      examples: Math.ceil(trainRequests / settings.batchRequests),
      loss: ([block]) => {
        if (steps++ % settings.evaluateEvery === 0 && held.length > 0) evaluate(fusion, heldOut, evaluator);
        const from = block! * settings.batchRequests;
        const to = Math.min(trainRequests, from + settings.batchRequests);
        const losses = setFusionLoss(fusion, sliceData(train, from, to), settings, evaluator);
        for (const name of names) {
          if (!Number.isFinite(losses[name])) continue;
          sums[name].sum += losses[name];
          sums[name].steps++;
        }
        return losses.total;
      },
    },
    {
      ...trainer,
      onEpoch: ({ epoch }) => {
        epochs.push({
          epoch,
          pairwiseLoss: meanOf('pairwise'),
          consistencyLoss: meanOf('consistency'),
          continuedLoss: meanOf('continued'),
          returnedLoss: meanOf('returned'),
          weights: evaluator.weights(),
        });
        for (const name of names) sums[name] = { sum: 0, steps: 0 };
      },
    },
  );
  if (held.length > 0) evaluate(fusion, heldOut, evaluator);
  return { epochs, evaluator };
}

/** The set fusion's loss on one block of requests, and its parts (NaN when absent). */
export function setFusionLoss(
  fusion: SetFusion,
  data: SetFusionData,
  settings: SetFusionSettings,
  evaluator: SelfEvolvingEvaluator,
): { total: Tensor | undefined; pairwise: number; consistency: number; continued: number; returned: number } {
  const { batch, logits, levels, proxies } = data;
  const offsets = batch.requestOffsets;
  const out = fusion.run(inputOf(data)); // score [N, 1], continued [N, 1], returned [R, 1]
  let total: Tensor | undefined;
  const plus = (loss: Tensor, weight: number) => {
    const weighted = mul(loss, weight);
    total = total ? add(total, weighted) : weighted;
  };
  let pairwise = Number.NaN;
  const relative = levelPairs(levels, offsets);
  if (relative.winners.length > 0) {
    const loss = pairLoss(out.score, relative);
    pairwise = loss.data[0]!;
    plus(loss, evaluator.multiplier(0));
  }
  const continued = maskedBce(out.continued, proxies.continued);
  if (continued) plus(continued, settings.continuedWeight * evaluator.multiplier(1));
  const returned = maskedBce(out.returned, proxies.returned);
  if (returned && settings.returnedWeight > 0) plus(returned, settings.returnedWeight);
  let consistencySum = 0;
  let consistencyCount = 0;
  for (let head = 0; head < numHeads; head++) {
    const sign = head === hateIndex ? -1 : 1;
    const pairs = predictionPairs(logits, numHeads, head, offsets, { margin: settings.margin, sign });
    if (pairs.winners.length === 0 || settings.consistencyWeight === 0) continue;
    const loss = pairLoss(out.score, pairs, headPairTargets(logits, numHeads, head, pairs, sign));
    consistencySum += loss.data[0]!;
    consistencyCount++;
    plus(loss, (settings.consistencyWeight / numHeads) * evaluator.multiplier(2 + head));
  }
  return {
    total,
    pairwise,
    consistency: consistencyCount > 0 ? consistencySum / consistencyCount : Number.NaN,
    continued: continued ? continued.data[0]! : Number.NaN,
    returned: returned ? returned.data[0]! : Number.NaN,
  };
}

/**
 * Re-measures, on held-out requests, each objective's ranking against the
 * session-continues proxy and moves the evaluator's weights. The rankings:
 * the fused score (relative satisfaction), the continues head (session
 * continues) and each head's logit (its consistency objective; hate reversed).
 */
function evaluate(fusion: SetFusion, heldOut: SetFusionData, evaluator: SelfEvolvingEvaluator): void {
  const { batch, logits } = heldOut;
  const N = batch.size;
  const K = setFusionObjectives.length;
  const values = new Float32Array(N * K);
  const requests = batch.requestOffsets.length - 1;
  for (let from = 0; from < requests; from += 256) {
    const part = sliceData(heldOut, from, Math.min(requests, from + 256));
    const start = batch.requestOffsets[from]!;
    noGrad(() =>
      tidy(() => {
        const out = fusion.run(inputOf(part));
        for (let n = 0; n < part.batch.size; n++) {
          const row = (start + n) * K;
          values[row] = out.score.data[n]!;
          values[row + 1] = out.continued.data[n]!;
          for (let head = 0; head < numHeads; head++) {
            const logit = logits[(start + n) * numHeads + head]!;
            values[row + 2 + head] = head === hateIndex ? -logit : logit;
          }
        }
        return [];
      }),
    );
  }
  evaluator.evaluate(values, heldOut.proxies.continued, batch.requestOffsets);
}

function inputOf(data: SetFusionData): SetFusionInput {
  const { batch, side } = data;
  return {
    logits: tensor(data.logits.slice(), [batch.size, numHeads]),
    requestOffsets: batch.requestOffsets,
    durationMs: Float32Array.from(batch.item, (item) => side.durationMs[item]!),
    userFeatures: userFeatures(batch),
  };
}

/** BCE with logits over the entries whose label is known; undefined when none is. */
function maskedBce(logits: Tensor, labels: Float32Array): Tensor | undefined {
  const known: number[] = [];
  for (let k = 0; k < labels.length; k++) if (Number.isFinite(labels[k]!)) known.push(k);
  if (known.length === 0) return undefined;
  const picked = embedding(logits, intTensor(Int32Array.from(known), [known.length])); // [M, 1]
  return binaryCrossEntropyWithLogits(
    picked,
    tensor(
      Float32Array.from(known, (k) => labels[k]!),
      [known.length, 1],
    ),
  );
}

/** Requests [from, to) of the data, as data of their own (views). */
function sliceData(data: SetFusionData, from: number, to: number): SetFusionData {
  const offsets = data.batch.requestOffsets;
  const start = offsets[from]!;
  const end = offsets[to]!;
  return {
    batch: requestSlice(data.batch, from, to),
    side: data.side,
    logits: data.logits.subarray(start * numHeads, end * numHeads),
    levels: data.levels.subarray(start, end),
    proxies: {
      continued: data.proxies.continued.subarray(start, end),
      returned: data.proxies.returned.subarray(from, to),
    },
  };
}

/** The given requests (ascending) of the data, copied into data of their own. */
function pickRequests(data: SetFusionData, requests: Int32Array): SetFusionData {
  const { batch } = data;
  const K = batch.historyLength;
  const rows: number[] = [];
  const offsets = [0];
  for (const r of requests) {
    for (let n = batch.requestOffsets[r]!; n < batch.requestOffsets[r + 1]!; n++) rows.push(n);
    offsets.push(rows.length);
  }
  const pick = <T extends Int32Array | Float32Array>(column: T, width = 1): T => {
    const out = new (column.constructor as new (n: number) => T)(rows.length * width);
    rows.forEach((row, k) => {
      out.set(column.subarray(row * width, (row + 1) * width), k * width);
    });
    return out;
  };
  return {
    batch: {
      size: rows.length,
      historyLength: K,
      user: pick(batch.user),
      item: pick(batch.item),
      hour: pick(batch.hour),
      position: pick(batch.position),
      history: pick(batch.history, K),
      historyMask: pick(batch.historyMask, K),
      requestOffsets: Int32Array.from(offsets),
    },
    side: data.side,
    logits: pick(data.logits, numHeads),
    levels: pick(data.levels),
    proxies: {
      continued: pick(data.proxies.continued),
      returned: Float32Array.from(requests, (r) => data.proxies.returned[r]!),
    },
  };
}
