import { InvalidInputError } from '../core/index.js';

/** One catalogue item as the server's store knows it. */
export interface CatalogueItem {
  id: string;
  /** Creator id; items without one never count towards an author's diversity cap. */
  author?: string;
  /** Unix ms of the upload (the fresh source ranks by it). */
  uploadedAt?: number;
  /** Hidden items are never served. */
  hidden?: boolean;
  /** Duration in ms (a reward-model feature). */
  durationMs?: number;
  /** First-level category name (a reward-model feature). */
  category?: string;
}

/**
 * The catalogue as the funnel reads it: item i of every array is the item of
 * dense index i (the order the items were given in). Authors and categories
 * are dense indices, -1 when unknown; upload times NaN when unknown.
 */
export class Catalogue {
  readonly size: number;
  readonly ids: readonly string[];
  readonly authorNames: readonly string[];
  readonly categoryNames: readonly string[];
  readonly author: Int32Array; // [items]
  readonly category: Int32Array; // [items]
  readonly uploadedAt: Float64Array; // [items]
  readonly durationMs: Float32Array; // [items]
  readonly hidden: Uint8Array; // [items]
  readonly #index: Map<string, number>;

  constructor(items: readonly CatalogueItem[]) {
    this.size = items.length;
    this.ids = items.map((item) => item.id);
    this.#index = new Map();
    this.author = new Int32Array(this.size).fill(-1);
    this.category = new Int32Array(this.size).fill(-1);
    this.uploadedAt = new Float64Array(this.size).fill(Number.NaN);
    this.durationMs = new Float32Array(this.size);
    this.hidden = new Uint8Array(this.size);
    const authors = new Map<string, number>();
    const categories = new Map<string, number>();
    items.forEach((item, index) => {
      const where = `catalogue item ${index}`;
      if (typeof item.id !== 'string' || item.id.length === 0) {
        throw new InvalidInputError(
          `${where}: id must be a non-empty string, got ${JSON.stringify(item.id)}`,
        );
      }
      if (this.#index.has(item.id)) {
        throw new InvalidInputError(`${where}: id "${item.id}" repeats item ${this.#index.get(item.id)}`);
      }
      this.#index.set(item.id, index);
      if (item.author !== undefined) this.author[index] = intern(authors, item.author);
      if (item.category !== undefined) this.category[index] = intern(categories, item.category);
      if (item.uploadedAt !== undefined) {
        if (!Number.isFinite(item.uploadedAt)) {
          throw new InvalidInputError(
            `${where} ("${item.id}"): uploadedAt must be unix ms, got ${item.uploadedAt}`,
          );
        }
        this.uploadedAt[index] = item.uploadedAt;
      }
      if (item.durationMs !== undefined) {
        if (!(item.durationMs >= 0)) {
          throw new InvalidInputError(
            `${where} ("${item.id}"): durationMs must be >= 0, got ${item.durationMs}`,
          );
        }
        this.durationMs[index] = item.durationMs;
      }
      if (item.hidden === true) this.hidden[index] = 1;
    });
    this.authorNames = [...authors.keys()];
    this.categoryNames = [...categories.keys()];
  }

  /** Dense index of an item id, or -1 for an id the catalogue does not hold. */
  indexOf(id: string): number {
    return this.#index.get(id) ?? -1;
  }

  /** The items back in their input form (what a model directory stores). */
  toItems(): CatalogueItem[] {
    return this.ids.map((id, index) => {
      const item: CatalogueItem = { id };
      if (this.author[index]! >= 0) item.author = this.authorNames[this.author[index]!]!;
      if (!Number.isNaN(this.uploadedAt[index]!)) item.uploadedAt = this.uploadedAt[index]!;
      if (this.hidden[index] === 1) item.hidden = true;
      if (this.durationMs[index]! > 0) item.durationMs = this.durationMs[index]!;
      if (this.category[index]! >= 0) item.category = this.categoryNames[this.category[index]!]!;
      return item;
    });
  }
}

function intern(names: Map<string, number>, name: string): number {
  let index = names.get(name);
  if (index === undefined) {
    index = names.size;
    names.set(name, index);
  }
  return index;
}
