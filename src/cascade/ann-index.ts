import hnswlib from 'hnswlib-node';
import type { ItemEmbeddings } from './item-vectors.js';

const { HierarchicalNSW } = hnswlib;

export interface AnnIndexOptions {
  /** Graph degree M of HNSW (Malkov & Yashunin 2018); default 16. */
  m?: number;
  /** Candidate list size while building; default 200. */
  efConstruction?: number;
  /** Candidate list size while searching (raised to k when smaller); default 100. */
  ef?: number;
  seed?: number;
}

/**
 * Approximate inner-product search over item embeddings with hnswlib's HNSW
 * graph. Items with a zero vector (no co-occurrence) are left out: they have
 * no direction to be near.
 */
export class AnnIndex {
  readonly #index: InstanceType<typeof HierarchicalNSW>;
  readonly #query: number[];
  readonly ef: number;

  private constructor(
    index: InstanceType<typeof HierarchicalNSW>,
    readonly dim: number,
    ef: number,
  ) {
    this.#index = index;
    this.#query = new Array<number>(dim).fill(0);
    this.ef = ef;
    index.setEf(ef);
  }

  static build(embeddings: ItemEmbeddings, options: AnnIndexOptions = {}): AnnIndex {
    const { vectors, count, dim } = embeddings;
    const index = new HierarchicalNSW('ip', dim);
    index.initIndex({
      maxElements: Math.max(1, count),
      m: options.m ?? 16,
      efConstruction: options.efConstruction ?? 200,
      randomSeed: options.seed ?? 100,
    });
    const point = new Array<number>(dim);
    for (let item = 0; item < count; item++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        point[d] = vectors[item * dim + d]!;
        norm += point[d]! * point[d]!;
      }
      if (norm > 0) index.addPoint(point, item);
    }
    return new AnnIndex(index, dim, options.ef ?? 100);
  }

  /** Reads an index written by `write` (the dimension and ef come from the caller's manifest). */
  static read(path: string, dim: number, ef: number): AnnIndex {
    const index = new HierarchicalNSW('ip', dim);
    index.readIndexSync(path);
    return new AnnIndex(index, dim, ef);
  }

  write(path: string): void {
    this.#index.writeIndexSync(path);
  }

  get size(): number {
    return this.#index.getCurrentCount();
  }

  /**
   * The `k` items of largest inner product with `query` [dim] among those
   * `accept` lets through, best first, with their inner products.
   */
  search(
    query: Float32Array,
    k: number,
    accept?: (item: number) => boolean,
  ): { items: number[]; similarities: number[] } {
    const take = Math.min(k, this.size);
    if (take <= 0) return { items: [], similarities: [] };
    for (let d = 0; d < this.dim; d++) this.#query[d] = query[d]!;
    if (take > this.ef) this.#index.setEf(take);
    const result = this.#index.searchKnn(this.#query, take, accept);
    if (take > this.ef) this.#index.setEf(this.ef);
    // hnswlib's 'ip' distance is 1 - <q, x>.
    return { items: result.neighbors, similarities: result.distances.map((distance) => 1 - distance) };
  }
}
