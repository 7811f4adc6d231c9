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

  recall(query: RecallQuery, quota: number, pool: CandidatePool, sourceIndex: number): void {
    const { offsets, items, weights } = this.neighbours;
    const scores = this.#scores;
    const touched = this.#touched;
    let count = 0;
    let weight = 1;
    const oldest = Math.max(0, query.history.length - this.#historyWindow);
    for (let position = query.history.length - 1; position >= oldest; position--) {
      const item = query.history[position]!;
      for (let n = offsets[item]!; n < offsets[item + 1]!; n++) {
        const other = items[n]!;
        if (scores[other] === 0) touched[count++] = other;
        scores[other]! += weight * weights[n]!;
      }
      weight *= this.#decay;
    }
    const found = Array.from(touched.subarray(0, count));
    found.sort((a, b) => scores[b]! - scores[a]! || a - b);
    const top = found.length > 0 ? scores[found[0]!]! : 1;
    let added = 0;
    for (const item of found) {
      if (added >= quota) break;
      if (pool.add(item, sourceIndex, scores[item]! / top)) added++;
    }
    for (let k = 0; k < count; k++) scores[touched[k]!] = 0;
  }

  /** The most similar items of one item, best first (the server's similar-items route). */
  similar(item: number, n: number): { items: Int32Array; scores: Float32Array } {
    const { offsets, items, weights } = this.neighbours;
    const end = Math.min(offsets[item + 1]!, offsets[item]! + n);
    return { items: items.slice(offsets[item]!, end), scores: weights.slice(offsets[item]!, end) };
  }
}
