/**
 * Seeded pseudo-random source used everywhere a run must be reproducible.
 * xoshiro128** (Blackman & Vigna): fast on 32-bit integer maths, 2^128 - 1 period;
 * the state is filled from the seed with splitmix32.
 */
export class Random {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(seed = 42) {
    if (!Number.isFinite(seed)) throw new TypeError(`Random seed must be a finite number, got ${seed}`);
    let state = Math.trunc(seed) >>> 0;
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** The generator's four state words (for a kernel that draws the same stream, e.g. dropout's). */
  getState(): Int32Array {
    return Int32Array.of(this.#s0, this.#s1, this.#s2, this.#s3);
  }

  /** Continues from state words `getState` returned (after a kernel advanced them). */
  setState(state: Int32Array): void {
    if (state.length !== 4) throw new RangeError(`Random state must have 4 words, got ${state.length}`);
    this.#s0 = state[0]! >>> 0;
    this.#s1 = state[1]! >>> 0;
    this.#s2 = state[2]! >>> 0;
    this.#s3 = state[3]! >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`Random.int needs n > 0, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal sample (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i] as T;
      values[i] = values[j] as T;
      values[j] = tmp;
    }
    return values;
  }

  /** An independent stream derived from this one (for workers, layers, ...). */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
