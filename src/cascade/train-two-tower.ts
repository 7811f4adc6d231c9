import { Random } from '../core/index.js';
import { crossEntropy, intTensor, sub, tensor } from '../tensor/index.js';
import { trainSync } from '../training/index.js';
import { type TwoTowerConfig, type TwoTowerItemSide, TwoTowerModel, userBatch } from './two-tower-model.js';

export interface TrainTwoTowerOptions {
  dim?: number;
  historyLength?: number;
  epochs?: number;
  /** Examples per batch; also the number of in-batch negatives + 1. */
  batchSize?: number;
  lr?: number;
  /** Next-item examples taken from the end of each sequence (default 50). */
  examplesPerUser?: number;
  /** At most this many examples in all, a seeded sample (default 200,000). */
  maxExamples?: number;
  seed?: number;
}

export interface TrainedTwoTower {
  model: TwoTowerModel;
  /** Mean in-batch softmax loss per epoch. */
  losses: number[];
  examples: number;
}

/**
 * Trains the two-tower pre-rank on next items: every example is a prefix of a
 * user's sequence (the user tower's input) and the item that followed it (the
 * label). Loss: softmax over the batch's labels (in-batch negatives) with the
 * logQ correction of Yi et al. (2019) -- each column's logit minus the log of
 * its label frequency -- so popular items are not pushed down merely for being
 * everyone's negative; a column whose label equals the row's own is masked.
 */
export function trainTwoTower(
  sequences: readonly Int32Array[],
  shape: Omit<TwoTowerConfig, 'dim' | 'historyLength'> & { side: TwoTowerItemSide },
  options: TrainTwoTowerOptions = {},
): TrainedTwoTower {
  const config: TwoTowerConfig = {
    numItems: shape.numItems,
    numAuthors: shape.numAuthors,
    numCategories: shape.numCategories,
    dim: options.dim ?? 32,
    historyLength: options.historyLength ?? 20,
  };
  const random = new Random(options.seed ?? 5);
  const model = new TwoTowerModel(config, random);
  const K = config.historyLength;
  const perUser = options.examplesPerUser ?? 50;
  const prefixes: Array<{ user: number; end: number }> = [];
  sequences.forEach((sequence, user) => {
    for (let end = Math.max(1, sequence.length - perUser); end < sequence.length; end++)
      prefixes.push({ user, end });
  });
  const limit = options.maxExamples ?? 200_000;
  for (let k = prefixes.length - 1; k > 0; k--) {
    const j = random.int(k + 1);
    [prefixes[k], prefixes[j]] = [prefixes[j]!, prefixes[k]!];
  }
  const examples = prefixes.slice(0, limit);
  const labels = Int32Array.from(examples, ({ user, end }) => sequences[user]![end]!);
  const logFrequency = new Float32Array(config.numItems);
  for (const label of labels) logFrequency[label]! += 1;
  for (let item = 0; item < logFrequency.length; item++) {
    logFrequency[item] = Math.log(Math.max(logFrequency[item]!, 1) / Math.max(labels.length, 1));
  }
  const losses: number[] = [];
  if (examples.length < 2) return { model, losses, examples: examples.length };
  trainSync(
    {
      module: model,
      examples: examples.length,
      loss(batch) {
        const B = batch.length;
        if (B < 2) return undefined;
        const items = Int32Array.from(batch, (e) => labels[e]!);
        const users = userBatch(
          Array.from(batch, (e) => {
            const { user, end } = examples[e]!;
            return sequences[user]!.subarray(Math.max(0, end - K), end);
          }),
          K,
        );
        const adjust = new Float32Array(B * B); // [B, B]
        for (let i = 0; i < B; i++)
          for (let j = 0; j < B; j++)
            adjust[i * B + j] = logFrequency[items[j]!]! + (i !== j && items[i] === items[j] ? 1e4 : 0);
        const logits = sub(model.scores(users, items, shape.side), tensor(adjust, [B, B])); // [B, B]
        return crossEntropy(
          logits,
          intTensor(
            Int32Array.from({ length: B }, (_, i) => i),
            [B],
          ),
        );
      },
    },
    {
      epochs: options.epochs ?? 3,
      batchSize: options.batchSize ?? 256,
      lr: options.lr ?? 3e-3,
      schedule: () => 1,
      seed: options.seed ?? 5,
      onEpoch: ({ loss }) => losses.push(loss),
    },
  );
  return { model, losses, examples: examples.length };
}
