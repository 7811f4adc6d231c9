import { InvalidInputError, Random } from '../core/index.js';
import { formatShape, IntTensor, type StoredTensor, type Tensor } from '../tensor/index.js';
import { Optimization } from '../training/index.js';
import type { SasRec, SasRecConfig } from './sasrec.js';
import { nextItemBatch } from './sequence-batch.js';

/**
 * The PyTorch reference of the parity checks (`shared/tools/sasrec_ref.py`):
 * its model is this SASRec with the options below, and its `state_dict` names
 * map onto this module's parameters as `referenceWeightNames` says.
 *
 * - Feed-forward width = d, GELU (the reference's is the exact erf form, genfeed's
 *   the tanh approximation; docs/sasrec.md has what that costs the parity).
 * - Dropout on the embeddings, every residual branch, the attention probabilities
 *   and between the feed-forward layers, all at the same rate.
 * - Item embeddings scaled by sqrt(d); positions counted back from the newest item.
 * - Xavier-normal initialisation of every matrix; full-softmax cross-entropy.
 * - Adam betas (0.9, 0.98), eps 1e-8, a constant learning rate, no gradient clipping
 *   (trainer options, `referenceTraining`).
 */
export function referenceSasRecOptions(
  dim: number,
  dropout: number,
): Required<Omit<SasRecConfig, 'numItems' | 'dim' | 'layers' | 'heads' | 'maxLength'>> {
  return {
    ffnDim: dim,
    dropout,
    attentionDropout: dropout,
    ffnDropout: dropout,
    scaleEmbeddings: true,
    positions: 'newest',
    init: 'xavier',
    negatives: 0,
  };
}

/** How a reference tensor becomes a genfeed parameter. */
interface WeightMapping {
  /** The reference's state_dict name. */
  source: string;
  /** PyTorch's Linear stores [out, in]; genfeed's [in, out]. */
  transpose: boolean;
  /** The reference's item table has the padding row first (item ids 1..V); genfeed's last (ids 0..V-1). */
  paddingFirst: boolean;
}

/** genfeed parameter name -> the reference tensor it is read from. */
export function referenceWeightNames(layers: number): Map<string, WeightMapping> {
  const plain = (source: string): WeightMapping => ({ source, transpose: false, paddingFirst: false });
  const linear = (source: string): WeightMapping => ({ source, transpose: true, paddingFirst: false });
  const names = new Map<string, WeightMapping>([
    ['items.weight', { source: 'item.weight', transpose: false, paddingFirst: true }],
    ['positions.weight', plain('pos.weight')],
    ['norm.weight', plain('ln.weight')],
    ['norm.bias', plain('ln.bias')],
  ]);
  for (let i = 0; i < layers; i++) {
    const [ours, theirs] = [`blocks.${i}`, `blocks.${i}`];
    names.set(`${ours}.ln1.weight`, plain(`${theirs}.ln1.weight`));
    names.set(`${ours}.ln1.bias`, plain(`${theirs}.ln1.bias`));
    names.set(`${ours}.attn.qkv.weight`, linear(`${theirs}.att.in_proj_weight`));
    names.set(`${ours}.attn.qkv.bias`, plain(`${theirs}.att.in_proj_bias`));
    names.set(`${ours}.attn.proj.weight`, linear(`${theirs}.att.out_proj.weight`));
    names.set(`${ours}.attn.proj.bias`, plain(`${theirs}.att.out_proj.bias`));
    names.set(`${ours}.ln2.weight`, plain(`${theirs}.ln2.weight`));
    names.set(`${ours}.ln2.bias`, plain(`${theirs}.ln2.bias`));
    names.set(`${ours}.fc1.weight`, linear(`${theirs}.ff.0.weight`));
    names.set(`${ours}.fc1.bias`, plain(`${theirs}.ff.0.bias`));
    names.set(`${ours}.fc2.weight`, linear(`${theirs}.ff.3.weight`));
    names.set(`${ours}.fc2.bias`, plain(`${theirs}.ff.3.bias`));
  }
  return names;
}

/**
 * Copies the reference's initial weights (`sasrec_ref.py --save-init`) into a
 * SasRec built with `referenceSasRecOptions`: every parameter must be found
 * with the right shape and every reference tensor used, else an
 * InvalidInputError names it.
 */
export function loadReferenceWeights(
  model: SasRec,
  tensors: ReadonlyMap<string, StoredTensor>,
  source = 'reference weights',
): void {
  const mapping = referenceWeightNames(model.config.layers);
  const used = new Set<string>();
  for (const [name, param] of model.namedParameters()) {
    const map = mapping.get(name);
    if (map === undefined)
      throw new InvalidInputError(`${source}: no reference name for parameter "${name}"`);
    const stored = tensors.get(map.source);
    if (stored === undefined || stored instanceof IntTensor)
      throw new InvalidInputError(`${source}: float tensor "${map.source}" (for "${name}") is missing`);
    used.add(map.source);
    copyInto(param, stored, map, `${source}: "${map.source}" -> "${name}"`);
  }
  const unused = [...tensors.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) throw new InvalidInputError(`${source}: tensors not mapped: ${unused.join(', ')}`);
}

function copyInto(param: Tensor, stored: Tensor, map: WeightMapping, what: string): void {
  const expected = map.transpose ? [param.shape[1], param.shape[0]] : [...param.shape];
  if (stored.shape.length !== expected.length || stored.shape.some((d, i) => d !== expected[i]))
    throw new InvalidInputError(
      `${what}: shape ${formatShape(stored.shape)}, expected ${formatShape(expected as number[])}`,
    );
  if (map.transpose) {
    const [rows, cols] = stored.shape as [number, number]; // [out, in] -> [in, out]
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) param.data[c * rows + r] = stored.data[r * cols + c]!;
  } else if (map.paddingFirst) {
    const width = param.shape[1]!;
    param.data.set(stored.data.subarray(width)); // items 1..V -> rows 0..V-1
    param.data.set(stored.data.subarray(0, width), stored.data.length - width); // padding row last
  } else {
    param.data.set(stored.data);
  }
}

/** The reference's optimizer: Adam (no weight decay), betas (0.9, 0.98), eps 1e-8, constant lr, no clipping. */
export const REFERENCE_ADAM = { beta1: 0.9, beta2: 0.98, eps: 1e-8, clipNorm: 0 } as const;

/**
 * A reference data file (`user item item ...` per line, item ids from 1) as
 * the reference trains on it: each non-empty line's items in genfeed's ids
 * (id - 1), without the last two (validation and test) or, for its `--refit`,
 * the last one. Index i is the user the reference logs as i + 1.
 */
export function referenceTrainSequences(
  text: string,
  refit: boolean,
): { sequences: Int32Array[]; numItems: number } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  let numItems = 0;
  const sequences = lines.map((line) => {
    const items = line.trim().split(/\s+/).slice(1).map(Number);
    for (const item of items) numItems = Math.max(numItems, item);
    return Int32Array.from(items.slice(0, items.length - (refit ? 1 : 2)), (item) => item - 1);
  });
  return { sequences, numItems };
}

/**
 * Replays the reference's first optimizer steps: each step's users (1-based, as
 * `--log-steps` prints them) -> the same causal next-item batch -> loss ->
 * Adam step. Returns the loss of each step. Dropout must be off on both sides.
 */
export function replayReferenceSteps(
  model: SasRec,
  sequences: readonly Int32Array[],
  steps: readonly (readonly number[])[],
  lr: number,
): number[] {
  const optimization = new Optimization(
    model.namedParameters().map(([, p]) => p),
    { lr, ...REFERENCE_ADAM },
  );
  model.train();
  const random = new Random(0); // unused: no dropout
  return steps.map((users) => {
    const batch = nextItemBatch(
      users.map((user) => sequences[user - 1]!),
      model.padId,
      model.config.maxLength,
    );
    return optimization.update(model.loss(batch, random));
  });
}
