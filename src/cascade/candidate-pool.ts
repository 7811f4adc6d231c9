/**
 * The recall stage's output: distinct candidate items (dense indices) with the
 * source that found each one first and that source's score, normalised to
 * [0, 1] by the source. An item is added only once and never when `blocked`
 * (excluded, hidden, consumed), so every later stage sees servable items only.
 */
export class CandidatePool {
  readonly items: Int32Array;
  readonly sources: Uint8Array;
  readonly recallScores: Float32Array;
  size = 0;
  readonly #taken: Uint8Array;

  constructor(
    capacity: number,
    /** [numItems] 1 = may not be recalled; owned by the caller. */
    readonly blocked: Uint8Array,
  ) {
    this.items = new Int32Array(capacity);
    this.sources = new Uint8Array(capacity);
    this.recallScores = new Float32Array(capacity);
    this.#taken = new Uint8Array(blocked.length);
  }

  /** True when `item` can still join: not blocked, not taken, room left. */
  accepts(item: number): boolean {
    return this.blocked[item] === 0 && this.#taken[item] === 0 && this.size < this.items.length;
  }

  /** Adds `item` if it is accepted; returns whether it was. */
  add(item: number, source: number, score: number): boolean {
    if (!this.accepts(item)) return false;
    this.#taken[item] = 1;
    this.items[this.size] = item;
    this.sources[this.size] = source;
    this.recallScores[this.size] = score;
    this.size++;
    return true;
  }

  /** Empties the pool for the next request (cost proportional to its size). */
  clear(): void {
    for (let k = 0; k < this.size; k++) this.#taken[this.items[k]!] = 0;
    this.size = 0;
  }
}
