/** Dense item vectors [count, dim], row-major, row i for the item of dense index i. */
export interface ItemVectors {
  readonly vectors: Float32Array;
  readonly count: number;
  readonly dim: number;
}

/** Checks that `vectors` fills [count, dim]; the one shape check every consumer shares. */
export function checkItemVectors(itemVectors: ItemVectors, where: string): void {
  const { vectors, count, dim } = itemVectors;
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(count) || count < 0) {
    throw new RangeError(`${where}: invalid item vector shape [${count}, ${dim}]`);
  }
  if (vectors.length !== count * dim) {
    throw new RangeError(`${where}: ${vectors.length} values do not fill [${count}, ${dim}]`);
  }
}
