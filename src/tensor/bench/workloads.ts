import { Random } from '../../core/index.js';
import { IntTensor } from '../int-tensor.js';
import { KVCache } from '../nn/kv-cache.js';
import { crossEntropy } from '../ops/loss.js';
import { AdamW } from '../optim/adamw.js';
import { backward, noGrad } from '../tape.js';
import { tidy } from '../tensor.js';
import { MlpModel, TinyTransformer, type TransformerConfig } from './models.js';

/** One benchmark workload: a training step (returns the loss) on a fixed batch. */
export interface Workload {
  name: string;
  /** Forward + backward + Adam; returns the loss. */
  step(): number;
  /** Approximate FLOPs of one step (2 per multiply-add, forward + 2x backward). */
  flops: number;
}

function randomIds(random: Random, count: number, vocab: number, shape: number[]): IntTensor {
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) data[i] = random.int(vocab);
  return new IntTensor(data, shape);
}

export const mlpShape = { batch: 256, time: 50, vocab: 769, dim: 128, hidden: 512, classes: 768 } as const;

/** ML-STACK "mlp step": ids[256, 50] -> embedding(769x128) -> 128->512 ReLU -> 512->128 -> mean -> 768-way CE -> Adam. */
export function mlpWorkload(seed = 1): Workload & { model: MlpModel } {
  const s = mlpShape;
  const random = new Random(seed);
  const model = new MlpModel({ vocab: s.vocab, dim: s.dim, hidden: s.hidden, classes: s.classes }, random);
  const ids = randomIds(random, s.batch * s.time, s.vocab, [s.batch, s.time]);
  const targets = randomIds(random, s.batch, s.classes, [s.batch]);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const tokens = s.batch * s.time;
  const flops = 3 * 2 * (tokens * s.dim * s.hidden * 2 + s.batch * s.dim * s.classes);
  return {
    name: 'mlp',
    model,
    flops,
    step() {
      optimizer.zeroGrad();
      const loss = crossEntropy(model.forward(ids), targets);
      backward(loss);
      optimizer.step();
      return loss.item();
    },
  };
}

export const tfmConfig: TransformerConfig = {
  vocab: 769,
  classes: 768,
  dim: 128,
  heads: 4,
  layers: 2,
  ffnDim: 512,
  maxLength: 50,
};

/** ML-STACK "tfm step": batch 64, length 50, 2-layer pre-LN causal transformer, d 128, 4 heads, FFN 512, last token -> 768-way CE -> Adam. */
export function tfmWorkload(
  seed = 1,
  batch = 64,
): Workload & { model: TinyTransformer; forwardBatch1(): void } {
  const c = tfmConfig;
  const random = new Random(seed);
  const model = new TinyTransformer(c, random);
  const time = c.maxLength;
  const ids = randomIds(random, batch * time, c.vocab, [batch, time]);
  const targets = randomIds(random, batch, c.classes, [batch]);
  const one = new IntTensor(ids.data.slice(0, time), [1, time]);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3 });
  const tokens = batch * time;
  const perToken = 2 * (c.dim * 3 * c.dim + c.dim * c.dim + 2 * c.dim * c.ffnDim) * c.layers;
  const attentionFlops = 2 * 2 * batch * time * time * c.dim * c.layers;
  const flops = 3 * (tokens * perToken + attentionFlops + 2 * batch * c.dim * c.classes);
  return {
    name: 'tfm',
    model,
    flops,
    step() {
      optimizer.zeroGrad();
      const logits = model.lastLogits(model.hidden(ids)); // [B, classes]
      const loss = crossEntropy(logits, targets);
      backward(loss);
      optimizer.step();
      return loss.item();
    },
    forwardBatch1() {
      noGrad(() => tidy(() => model.lastLogits(model.hidden(one))));
    },
  };
}

/** Greedy-free decoding helper for tests: logits of each position fed one at a time through KV caches. */
export function decodeWithCache(model: TinyTransformer, ids: IntTensor): Float32Array[] {
  const [batch, time] = ids.shape as [number, number];
  const caches = model.blocks.map(() => new KVCache(batch, model.config.maxLength, model.config.dim));
  const out: Float32Array[] = [];
  noGrad(() => {
    for (let t = 0; t < time; t++) {
      const step = new Int32Array(batch);
      for (let b = 0; b < batch; b++) step[b] = ids.data[b * time + t]!;
      const stepIds = new IntTensor(step, [batch, 1]);
      const logits = tidy(() => model.lastLogits(model.hidden(stepIds, { caches }))); // [B, classes]
      out.push(logits.data);
    }
  });
  return out;
}
