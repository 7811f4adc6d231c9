import { readFileSync } from 'node:fs';
import { Random } from '../../src/core/index.js';
import { SasRec } from '../../src/generative/sasrec.js';
import { type NextItemBatch, nextItemBatch } from '../../src/generative/sequence-batch.js';
import { AdamW, backward } from '../../src/tensor/index.js';

/**
 * The SASRec recipe of the shared sasrec_ref.py (its defaults: d 64, 1 head, 2
 * layers, FFN width d, dropout 0.2, 50 items of history, batches of 256 users,
 * full-softmax cross-entropy over every item at every real position, Adam with
 * betas 0.9 / 0.98) on genfeed's SASRec, over one epoch of fixed batches that
 * bench/engine/torch_step.py builds the same way, so both engines train on the
 * same shapes.
 */
export const sasrecRecipe = {
  dim: 64,
  heads: 1,
  layers: 2,
  ffnDim: 64,
  dropout: 0.2,
  maxLength: 50,
  batchSize: 256,
  lr: 1e-3,
  beta2: 0.98,
} as const;

export interface SasRecEpoch {
  items: number;
  batches: NextItemBatch[];
  /** Real (input, target) positions over the epoch: the rows of the logits GEMM. */
  positions: number;
  /** Sum of B x T over the batches (real plus padding slots). */
  paddedSlots: number;
}

/**
 * Training rows of the validation fit (each user's seq[:-2], users with at least
 * 2 items), input seq[:-1] and target seq[1:] over the last maxLength + 1 items;
 * rows sorted by input length (ties in file order) and cut into batches.
 * `path`: one user per line, "user item item ...", items 1..n in time order.
 * Items become 0..n-1 (genfeed's padding id is n).
 */
export function beautyEpoch(path: string, batchSize: number, maxLength: number): SasRecEpoch {
  const sequences = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/).slice(1).map(Number));
  const items = Math.max(...sequences.map((sequence) => Math.max(...sequence)));
  const rows = sequences
    .map((sequence) => Int32Array.from(sequence.slice(0, -2), (item) => item - 1))
    .filter((train) => train.length >= 2);
  const inputLength = (train: Int32Array): number => Math.min(train.length - 1, maxLength);
  rows.sort((a, b) => inputLength(a) - inputLength(b)); // stable
  const batches: NextItemBatch[] = [];
  let positions = 0;
  let paddedSlots = 0;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = nextItemBatch(rows.slice(start, start + batchSize), items, maxLength);
    batches.push(batch);
    positions += batch.targets.size;
    paddedSlots += batch.inputs.size;
  }
  return { items, batches, positions, paddedSlots };
}

export interface SasRecEpochTiming {
  steps: number;
  meanStepMs: number;
  medianStepMs: number;
  epochS: number;
}

/** A fresh genfeed SASRec of the recipe and its optimizer; each call trains on one batch: zero the gradients, loss, backward, Adam. */
export function sasrecTrainingStep(items: number, seed = 0): (batch: NextItemBatch) => number {
  const r = sasrecRecipe;
  const random = new Random(seed);
  const model = new SasRec(
    {
      numItems: items,
      dim: r.dim,
      layers: r.layers,
      heads: r.heads,
      maxLength: r.maxLength,
      dropout: r.dropout,
      ffnDim: r.ffnDim,
    },
    random,
  );
  model.train();
  const optimizer = new AdamW(model.parameters(), { lr: r.lr, beta2: r.beta2 });
  return (batch) => {
    optimizer.zeroGrad();
    const loss = model.loss(batch, random);
    backward(loss);
    optimizer.step();
    return loss.item();
  };
}

/** `warmup` untimed steps on the epoch's last (longest) batches, then every batch once, each step timed. */
export function timeSasRecEpoch(epoch: SasRecEpoch, warmup: number, seed = 0): SasRecEpochTiming {
  const step = sasrecTrainingStep(epoch.items, seed);
  for (const batch of epoch.batches.slice(epoch.batches.length - warmup)) step(batch);
  const samples: number[] = [];
  const epochStart = performance.now();
  for (const batch of epoch.batches) {
    const start = performance.now();
    step(batch);
    samples.push(performance.now() - start);
  }
  const epochMs = performance.now() - epochStart;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    steps: samples.length,
    meanStepMs: samples.reduce((sum, ms) => sum + ms, 0) / samples.length,
    medianStepMs: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    epochS: epochMs / 1000,
  };
}
