/**
 * Keys and values of the positions decoded so far, for one attention layer:
 * [B, maxLength, C] each, filled left to right. Step-by-step decoding then costs
 * one new row per step instead of re-running the whole prefix.
 */
export class KVCache {
  readonly batch: number;
  readonly maxLength: number;
  readonly width: number;
  readonly keys: Float32Array; // [B, maxLength, C]
  readonly values: Float32Array; // [B, maxLength, C]
  length = 0;

  constructor(batch: number, maxLength: number, width: number) {
    this.batch = batch;
    this.maxLength = maxLength;
    this.width = width;
    this.keys = new Float32Array(batch * maxLength * width);
    this.values = new Float32Array(batch * maxLength * width);
  }

  /**
   * Appends `steps` positions read from a packed qkv buffer [B, steps, 3C]
   * (k at offset C, v at 2C of each row).
   */
  appendPacked(qkv: Float32Array, steps: number): void {
    if (this.length + steps > this.maxLength) {
      throw new RangeError(`KVCache: ${this.length} + ${steps} positions exceed maxLength ${this.maxLength}`);
    }
    const c = this.width;
    for (let b = 0; b < this.batch; b++) {
      for (let t = 0; t < steps; t++) {
        const src = (b * steps + t) * 3 * c;
        const dst = (b * this.maxLength + this.length + t) * c;
        this.keys.set(qkv.subarray(src + c, src + 2 * c), dst);
        this.values.set(qkv.subarray(src + 2 * c, src + 3 * c), dst);
      }
    }
    this.length += steps;
  }

  reset(): void {
    this.length = 0;
  }
}
