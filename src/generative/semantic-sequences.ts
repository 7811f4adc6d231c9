import { IntTensor } from '../tensor/index.js';

/** Token 0 opens every stream; token 1 pads. The tokenizer's vocabulary starts at FIRST_ITEM_TOKEN. */
export const BOS_TOKEN = 0;
export const PAD_TOKEN = 1;
export const FIRST_ITEM_TOKEN = 2;

/**
 * Item histories flattened into semantic-ID token streams, left-padded:
 * [BOS, item0 tok0..tok(D-1), item1 tok0.., ...]. Every slot also carries the
 * index of its item in the window (0 = oldest; BOS shares 0) and its level
 * within the item (0..D-1; BOS has level D), the lazy decoder's two extra
 * embeddings.
 */
export interface TokenStreamBatch {
  /** [B, T] tokens; padding holds PAD_TOKEN. */
  inputs: IntTensor;
  /** [B, T] item index of each slot within its row's window. */
  itemPositions: IntTensor;
  /** [B, T] level of each slot's token (D for BOS and padding). */
  levels: IntTensor;
  /** [B * T]: 1 real, 0 padding. */
  keyMask: Uint8Array;
  /**
   * [B * T] the item id at the last token slot of each item (the slot that
   * predicts the next item's first code, when the item is fully known), -1 at
   * every other slot. Feeds the lazy decoder's optional item-id input embedding.
   */
  items: Int32Array;
}

/** A stream batch plus, for every level, the slots that predict a token of that level and those tokens. */
export interface NextTokenBatch extends TokenStreamBatch {
  /** Per level: [N_l] flat slot indices b * T + t whose next token is a level-l token. */
  positions: IntTensor[];
  /** Per level: [N_l] the level-l code (token minus the level's offset) that follows. */
  targets: IntTensor[];
  /** [N_0] the item whose first code each level-0 slot predicts (positions[0]'s next item). */
  nextItems: IntTensor;
}

/**
 * Streams of the last `maxItems` items of each history (the context of
 * generation). `itemTokens` is [numItems, depth]: the tokens of each item.
 */
export function tokenStreamBatch(
  histories: readonly Int32Array[],
  itemTokens: Int32Array,
  depth: number,
  maxItems: number,
): TokenStreamBatch {
  const windows = histories.map((history) => history.subarray(Math.max(0, history.length - maxItems)));
  return streams(
    windows,
    itemTokens,
    depth,
    windows.map((window) => 1 + window.length * depth),
  );
}

/**
 * Causal next-token training rows over whole user sequences (every token of
 * every item predicted from all tokens before it, in one pass): the stream of
 * the last maxItems + 1 items without its final token is the input, the stream
 * shifted by one the target. `levelOffsets` [depth] maps tokens to codes.
 */
export function nextTokenBatch(
  sequences: readonly Int32Array[],
  itemTokens: Int32Array,
  depth: number,
  maxItems: number,
  levelOffsets: readonly number[],
): NextTokenBatch {
  const windows = sequences.map((sequence) => sequence.subarray(Math.max(0, sequence.length - maxItems - 1)));
  const lengths = windows.map((window) => window.length * depth); // stream minus its last token
  const batch = streams(windows, itemTokens, depth, lengths);
  const time = batch.inputs.shape[1]!;
  const positions: number[][] = Array.from({ length: depth }, () => []);
  const targets: number[][] = Array.from({ length: depth }, () => []);
  const nextItems: number[] = [];
  windows.forEach((window, row) => {
    const length = lengths[row]!;
    const start = row * time + time - length;
    // Slot j (0 = BOS) predicts stream token j + 1: item floor(j / D), level j % D.
    for (let j = 0; j < length; j++) {
      const level = j % depth;
      const item = window[Math.floor(j / depth)]!;
      positions[level]!.push(start + j);
      targets[level]!.push(itemTokens[item * depth + level]! - levelOffsets[level]!);
      if (level === 0) nextItems.push(item);
    }
  });
  return {
    ...batch,
    positions: positions.map((list) => new IntTensor(Int32Array.from(list), [list.length])),
    targets: targets.map((list) => new IntTensor(Int32Array.from(list), [list.length])),
    nextItems: new IntTensor(Int32Array.from(nextItems), [nextItems.length]),
  };
}

/** Left-padded streams of `windows`, each cut to its first lengths[row] tokens (BOS included). */
function streams(
  windows: readonly Int32Array[],
  itemTokens: Int32Array,
  depth: number,
  lengths: readonly number[],
): TokenStreamBatch {
  const rows = windows.length;
  const time = Math.max(1, ...lengths);
  const inputs = new Int32Array(rows * time).fill(PAD_TOKEN);
  const itemPositions = new Int32Array(rows * time);
  const levels = new Int32Array(rows * time).fill(depth);
  const keyMask = new Uint8Array(rows * time);
  const items = new Int32Array(rows * time).fill(-1);
  windows.forEach((window, row) => {
    const length = lengths[row]!;
    const start = row * time + time - length;
    inputs[start] = BOS_TOKEN;
    keyMask[start] = 1;
    for (let j = 1; j < length; j++) {
      const item = Math.floor((j - 1) / depth);
      const level = (j - 1) % depth;
      inputs[start + j] = itemTokens[window[item]! * depth + level]!;
      itemPositions[start + j] = item;
      levels[start + j] = level;
      keyMask[start + j] = 1;
      if (level === depth - 1) items[start + j] = window[item]!;
    }
  });
  const shape = [rows, time];
  return {
    inputs: new IntTensor(inputs, shape),
    itemPositions: new IntTensor(itemPositions, shape),
    levels: new IntTensor(levels, shape),
    keyMask,
    items,
  };
}
