import {
  add,
  embedding,
  IntTensor,
  logSoftmax,
  matmul,
  mul,
  reshape,
  sum,
  type Tensor,
  tensor,
} from '../tensor/index.js';
import type { LazyDecoder } from './lazy-decoder.js';
import { nextTokenBatch } from './semantic-sequences.js';

/** A session of items generated after a history (both oldest first). */
export interface SessionRow {
  history: Int32Array;
  session: Int32Array;
}

/**
 * The history window a session of `sessionLength` items is generated from and
 * scored against: its last maxItems + 1 - sessionLength items, so that history
 * plus session fits one training window and every session item sees exactly
 * the context it was generated from (same items, same item positions).
 */
export function sessionContext(history: Int32Array, sessionLength: number, maxItems: number): Int32Array {
  const keep = Math.max(0, maxItems + 1 - sessionLength);
  return history.subarray(Math.max(0, history.length - keep));
}

/**
 * log π(session | history) of each row, [S], differentiable: the sum of the
 * per-level log-softmax of every semantic-ID token of the session's items,
 * each given the history window (`sessionContext`), the earlier session items
 * and the item's earlier codes. One causal forward over history + session per
 * row. This is the quantity beam search sums for the same tokens (its scores
 * are the raw log-probabilities before the trie and exclusion processors), so
 * DPO (alignment.ts) ranks exactly what generation ranks. Dropout is off
 * (no random is passed to `hidden`).
 */
export function sessionLogProbs(
  model: LazyDecoder,
  itemTokens: Int32Array,
  rows: readonly SessionRow[],
): Tensor {
  const { maxItems, levelOffsets, dim } = model.config;
  const depth = model.depth;
  const sequences = rows.map(({ history, session }) => {
    const context = sessionContext(history, session.length, maxItems);
    const sequence = new Int32Array(context.length + session.length);
    sequence.set(context);
    sequence.set(session, context.length);
    return sequence;
  });
  const batch = nextTokenBatch(sequences, itemTokens, depth, maxItems, levelOffsets);
  const time = batch.inputs.shape[1]!;
  const hidden = model.hidden(batch); // [S, T, d]
  const flat = reshape(hidden, [rows.length * time, dim]); // [S*T, d]
  let total: Tensor | undefined;
  for (let level = 0; level < depth; level++) {
    const size = levelOffsets[level + 1]! - levelOffsets[level]!;
    const positions = batch.positions[level]!.data;
    const targets = batch.targets[level]!.data;
    // Keep the slots that predict a session token: the last n * D slots of each row.
    const kept: number[] = [];
    for (let i = 0; i < positions.length; i++) {
      const row = Math.floor(positions[i]! / time);
      if (positions[i]! - row * time >= time - rows[row]!.session.length * depth) kept.push(i);
    }
    if (kept.length === 0) continue;
    const count = kept.length;
    const slots = new Int32Array(count);
    const oneHot = new Float32Array(count * size); // [N, K_l]
    const segments = new Float32Array(rows.length * count); // [S, N]: which row each slot belongs to
    kept.forEach((i, n) => {
      slots[n] = positions[i]!;
      oneHot[n * size + targets[i]!] = 1;
      segments[Math.floor(positions[i]! / time) * count + n] = 1;
    });
    const states = embedding(flat, new IntTensor(slots, [count])); // [N, d]
    const logits = matmul(states, model.levelWeights(level), { transB: true }); // [N, K_l]
    const picked = sum(mul(logSoftmax(logits), tensor(oneHot, [count, size])), 1); // [N]
    const perRow = matmul(tensor(segments, [rows.length, count]), reshape(picked, [count, 1])); // [S, 1]
    total = total === undefined ? perRow : add(total, perRow);
  }
  if (total === undefined) throw new RangeError('sessionLogProbs: no session has any item');
  return reshape(total, [rows.length]); // [S]
}
