/** The items shown to one user: a bitset for O(1) membership and a list for iteration. */
export class SeenItems {
  #bits: Uint32Array;
  #items: Int32Array;
  #count = 0;

  constructor(numItems: number) {
    this.#bits = new Uint32Array((numItems + 31) >>> 5);
    this.#items = new Int32Array(16);
  }

  has(item: number): boolean {
    return (this.#bits[item >>> 5]! & (1 << (item & 31))) !== 0;
  }

  add(item: number): void {
    if (this.has(item)) return;
    this.#bits[item >>> 5]! |= 1 << (item & 31);
    if (this.#count === this.#items.length) {
      const grown = new Int32Array(this.#items.length * 2);
      grown.set(this.#items);
      this.#items = grown;
    }
    this.#items[this.#count++] = item;
  }

  get count(): number {
    return this.#count;
  }

  /** The seen items in the order first shown (a view: do not keep it across adds). */
  items(): Int32Array {
    return this.#items.subarray(0, this.#count);
  }

  clear(): void {
    this.#bits.fill(0);
    this.#count = 0;
  }

  clone(): SeenItems {
    const copy = new SeenItems(this.#bits.length * 32);
    copy.#bits.set(this.#bits);
    copy.#items = this.#items.slice();
    copy.#count = this.#count;
    return copy;
  }
}

/** A user's feed history: valid plays in time order, the last `limit` kept for the policies. */
export class UserHistory {
  #items: Int32Array;
  #count = 0;
  readonly limit: number;

  constructor(initial: Int32Array = new Int32Array(0), limit = 100) {
    this.limit = limit;
    this.#items = new Int32Array(Math.max(32, initial.length * 2));
    this.#items.set(initial);
    this.#count = initial.length;
  }

  push(item: number): void {
    if (this.#count === this.#items.length) {
      if (this.#items.length >= 2 * this.limit) {
        // Full: keep the most recent `limit` rather than growing without bound.
        this.#items.copyWithin(0, this.#count - this.limit, this.#count);
        this.#count = this.limit;
      } else {
        const grown = new Int32Array(this.#items.length * 2);
        grown.set(this.#items);
        this.#items = grown;
      }
    }
    this.#items[this.#count++] = item;
  }

  /** The most recent `limit` items, oldest first (a view). */
  recent(): Int32Array {
    return this.#items.subarray(Math.max(0, this.#count - this.limit), this.#count);
  }

  clone(): UserHistory {
    const copy = new UserHistory(new Int32Array(0), this.limit);
    copy.#items = this.#items.slice();
    copy.#count = this.#count;
    return copy;
  }
}
