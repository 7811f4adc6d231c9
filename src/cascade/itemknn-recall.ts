import type { Neighbours } from '../baselines/index.js';
import type { CandidatePool } from './candidate-pool.js';
import type { RecallQuery, RecallSource } from './recall-source.js';

export interface ItemKnnRecallOptions {
  /** Most recent history items read (default 50). */
  historyWindow?: number;
  /** Weight decay^age of a history item, the newest has age 0 (default 0.9). */
  decay?: number;
}

/**
 * Item-to-item collaborative recall (Sarwar et al. 2001) over the cosine
 * neighbourhoods of `baselines`: score(j) = sum over recent history items h of
 * decay^age(h) * sim(h, j). Accumulated sparsely, so a request costs the
 * neighbourhoods it touches, not the catalogue.
 */
export class ItemKnnRecall implements RecallSource {
  readonly name = 'itemknn';
  readonly #scores: Float32Array;
  readonly #touched: Int32Array;
  readonly #historyWindow: number;
  readonly #decay: number;
  #count = 0;
  #max = 0;
  #history: Int32Array | undefined;

  constructor(
    readonly neighbours: Neighbours,
    options: ItemKnnRecallOptions = {},
  ) {
    const numItems = neighbours.offsets.length - 1;
    this.#scores = new Float32Array(numItems);
    this.#touched = new Int32Array(numItems);
    this.#historyWindow = options.historyWindow ?? 50;
    this.#decay = options.decay ?? 0.9;
  }

  /**
   * Sums the decayed neighbour similarities of `history` into the scratch
   * scores (kept for `scoreOf` until `reset`); returns the largest score.
   */
  accumulate(history: Int32Array): number {
    this.reset();
    const { offsets, items, weights } = this.neighbours;
    const scores = this.#scores;
    const touched = this.#touched;
    let count = 0;
    let weight = 1;
    const oldest = Math.max(0, history.length - this.#historyWindow);
    for (let position = history.length - 1; position >= oldest; position--) {
      const item = history[position]!;
      for (let n = offsets[item]!; n < offsets[item + 1]!; n++) {
        const other = items[n]!;
        if (scores[other] === 0) touched[count++] = other;
        scores[other]! += weight * weights[n]!;
      }
      weight *= this.#decay;
    }
    this.#count = count;
    this.#history = history;
    this.#max = 0;
    for (let k = 0; k < count; k++) this.#max = Math.max(this.#max, scores[touched[k]!]!);
    return this.#max;
  }

  /** The accumulated score of `item` (0 when no history item has it as a neighbour). */
  scoreOf(item: number): number {
    return this.#scores[item]!;
  }

  /** The largest accumulated score. */
  get maxScore(): number {
    return this.#max;
  }

  /** Clears the scratch scores (cost proportional to the items touched). */
  reset(): void {
    for (let k = 0; k < this.#count; k++) this.#scores[this.#touched[k]!] = 0;
    this.#count = 0;
    this.#max = 0;
    this.#history = undefined;
  }

  /** Adds the `quota` best-scored items; reuses the scores of `accumulate` for the same history. */
  recall(query: RecallQuery, quota: number, pool: CandidatePool, sourceIndex: number): void {
    if (this.#history !== query.history) this.accumulate(query.history);
    const scores = this.#scores;
    const found = Array.from(this.#touched.subarray(0, this.#count));
    found.sort((a, b) => scores[b]! - scores[a]! || a - b);
    const top = this.#max > 0 ? this.#max : 1;
    let added = 0;
    for (const item of found) {
      if (added >= quota) break;
      if (pool.add(item, sourceIndex, scores[item]! / top)) added++;
    }
  }

  /** The most similar items of one item, best first (the server's similar-items route). */
  similar(item: number, n: number): { items: Int32Array; scores: Float32Array } {
    const { offsets, items, weights } = this.neighbours;
    const end = Math.min(offsets[item + 1]!, offsets[item]! + n);
    return { items: items.slice(offsets[item]!, end), scores: weights.slice(offsets[item]!, end) };
  }
}
