import type { ImpressionLog } from './impression-log.js';
import { requestOffsets } from './request-groups.js';
import { numBinary } from './signals.js';

/**
 * Candidates grouped by request, as the reward model reads them: each row an
 * item shown (or to be shown) to a user in a context, with the user's recent
 * valid plays (newest last, padded with item 0 and mask 0 at the front).
 */
export interface CandidateBatch {
  size: number;
  historyLength: number;
  user: Int32Array; // [N]
  item: Int32Array; // [N]
  hour: Int32Array; // [N]
  position: Int32Array; // [N]
  history: Int32Array; // [N, K]
  historyMask: Float32Array; // [N, K]
  /** Request r is rows [requestOffsets[r], requestOffsets[r + 1]). */
  requestOffsets: Int32Array; // [R + 1]
}

/**
 * Every request of a log as one batch. A row's history is the user's valid plays
 * logged before its request started (what a feed server knows when it ranks the page).
 */
export function batchOfLog(log: ImpressionLog, historyLength: number): CandidateBatch {
  const offsets = requestOffsets(log);
  const histories = new Map<number, number[]>();
  const click = 0; // is_click is the first signal column
  const batch = emptyBatch(log.size, historyLength, offsets);
  for (let r = 0; r + 1 < offsets.length; r++) {
    const from = offsets[r]!;
    const to = offsets[r + 1]!;
    const user = log.user[from]!;
    const history = histories.get(user) ?? [];
    histories.set(user, history);
    for (let k = from; k < to; k++) {
      batch.user[k] = user;
      batch.item[k] = log.item[k]!;
      batch.hour[k] = log.hour[k]!;
      batch.position[k] = log.position[k]!;
      writeHistory(batch, k, history);
    }
    for (let k = from; k < to; k++) if (log.signals[k * numBinary + click] === 1) history.push(log.item[k]!);
    if (history.length > 4 * historyLength) history.splice(0, history.length - historyLength);
  }
  return batch;
}

/** The context of one request to rank: who, their valid plays (oldest first), the hour. */
export interface RankingRequest {
  user: number;
  history: ArrayLike<number>;
  hour: number;
}

/** One request's candidates, all at position 0 (the page is not laid out yet). */
export function batchOfCandidates(
  items: Int32Array,
  request: RankingRequest,
  historyLength: number,
): CandidateBatch {
  const { history } = request;
  const batch = emptyBatch(items.length, historyLength, Int32Array.of(0, items.length));
  batch.user.fill(request.user);
  batch.item.set(items);
  batch.hour.fill(request.hour);
  for (let k = 0; k < items.length; k++) writeHistory(batch, k, history);
  return batch;
}

/** The requests [from, to) of a batch as a batch of their own. */
export function requestSlice(batch: CandidateBatch, from: number, to: number): CandidateBatch {
  const start = batch.requestOffsets[from]!;
  const end = batch.requestOffsets[to]!;
  const K = batch.historyLength;
  const offsets = batch.requestOffsets.slice(from, to + 1);
  for (let r = 0; r < offsets.length; r++) offsets[r]! -= start;
  return {
    size: end - start,
    historyLength: K,
    user: batch.user.subarray(start, end),
    item: batch.item.subarray(start, end),
    hour: batch.hour.subarray(start, end),
    position: batch.position.subarray(start, end),
    history: batch.history.subarray(start * K, end * K),
    historyMask: batch.historyMask.subarray(start * K, end * K),
    requestOffsets: offsets,
  };
}

function emptyBatch(size: number, historyLength: number, offsets: Int32Array): CandidateBatch {
  return {
    size,
    historyLength,
    user: new Int32Array(size),
    item: new Int32Array(size),
    hour: new Int32Array(size),
    position: new Int32Array(size),
    history: new Int32Array(size * historyLength),
    historyMask: new Float32Array(size * historyLength),
    requestOffsets: offsets,
  };
}

function writeHistory(batch: CandidateBatch, row: number, history: ArrayLike<number>): void {
  const K = batch.historyLength;
  const take = Math.min(K, history.length);
  for (let j = 0; j < take; j++) {
    batch.history[row * K + K - take + j] = history[history.length - take + j]!;
    batch.historyMask[row * K + K - take + j] = 1;
  }
}
